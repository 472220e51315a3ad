//! The tourist's preferences, kept on the device.

use tongyou_core::text::Lang;

use crate::Device;
use crate::error::CommandError;

impl Device {
    pub fn set_language(&self, lang: Lang) -> Result<(), CommandError> {
        Ok(self.store.set_language(lang)?)
    }
}
