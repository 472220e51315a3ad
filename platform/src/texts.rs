//! Sending sign-in codes by text message. A real SMS provider implements [`TextGateway`]
//! and is handed to [`crate::start_with`]; [`DevTexts`] is the dev stand-in (`--dev`
//! only) that keeps the last code per number for `GET /api/v1/dev/sign-in-code/{mobile}`
//! and prints it to the log. A production platform with no gateway answers a code request
//! with 503: it never writes a code where someone other than the number's owner reads it.

use std::collections::HashMap;
use std::sync::Mutex;

use tongyou_core::identity::Mobile;

#[derive(Debug, thiserror::Error)]
pub enum TextError {
    #[error("text messages are not set up on this platform")]
    NotConfigured,
    #[error("the text-message provider did not take the message: {0}")]
    Provider(String),
}

/// Sends a one-time sign-in code to a mobile number. Blocking: called off the async
/// workers.
pub trait TextGateway: Send + Sync {
    fn send_code(&self, mobile: &Mobile, code: &str) -> Result<(), TextError>;
}

/// No gateway configured: every code request is refused, and no code is ever shown.
pub struct NoTexts;

impl TextGateway for NoTexts {
    fn send_code(&self, _: &Mobile, _: &str) -> Result<(), TextError> {
        Err(TextError::NotConfigured)
    }
}

/// Dev mode's gateway: nothing is sent; the last code per number is kept in memory and
/// logged.
#[derive(Default)]
pub struct DevTexts {
    last: Mutex<HashMap<String, String>>,
}

impl DevTexts {
    /// The last code "sent" to `mobile`.
    pub fn last_code(&self, mobile: &str) -> Option<String> {
        let mobile = Mobile::parse(mobile).ok()?;
        self.last.lock().ok()?.get(mobile.as_str()).cloned()
    }
}

impl TextGateway for DevTexts {
    fn send_code(&self, mobile: &Mobile, code: &str) -> Result<(), TextError> {
        if let Ok(mut last) = self.last.lock() {
            last.insert(mobile.as_str().to_owned(), code.to_owned());
        }
        tracing::info!(mobile = %mobile.masked(), %code, "sign-in code issued (dev mode: not sent)");
        Ok(())
    }
}
