//! The tourist's preferences, kept on the device.

use tongyou_core::api::{FieldError, Preferences};
use tongyou_core::text::Lang;

use crate::Device;
use crate::error::CommandError;

/// The reminder leads the Me screen offers, in minutes.
pub const REMINDER_LEADS: [u16; 4] = [30, 60, 120, 180];

impl Device {
    pub fn set_language(&self, lang: Lang) -> Result<(), CommandError> {
        Ok(self.store.set_language(lang)?)
    }

    /// The language the app speaks: the tourist's choice, else the system's.
    pub fn lang(&self) -> Result<Lang, CommandError> {
        Ok(self.store.preferences()?.lang.unwrap_or(self.system_lang))
    }

    pub fn preferences(&self) -> Result<Preferences, CommandError> {
        Ok(self.store.preferences()?)
    }

    /// How long before each slot, departure and check-in the trip's reminder comes.
    pub fn set_reminder_lead(&self, minutes: u16) -> Result<(), CommandError> {
        if !REMINDER_LEADS.contains(&minutes) {
            return Err(CommandError::Invalid(vec![FieldError::new(
                "minutes",
                "请选择 30 分钟、1 小时、2 小时或 3 小时",
                "Choose 30 minutes, 1, 2 or 3 hours",
            )]));
        }
        Ok(self.store.set_reminder_lead(minutes)?)
    }
}
