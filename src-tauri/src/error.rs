//! Command errors: typed, and serialised to the same `{code, message}` shape as the
//! platform's API errors, so the UI handles one error type.

use serde::{Serialize, Serializer};
use tongyou_core::api::{ApiError, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Store(#[from] tongyou_offline_store::StoreError),
    #[error("the app is still starting")]
    NotReady,
}

impl CommandError {
    fn code(&self) -> ErrorCode {
        match self {
            CommandError::Store(_) | CommandError::NotReady => ErrorCode::Internal,
        }
    }
}

impl Serialize for CommandError {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ApiError::new(self.code(), self.to_string()).serialize(s)
    }
}
