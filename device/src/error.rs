//! Command errors: typed, and serialised as a `core::api::ApiError` (`{code, message,
//! fields}`), the same shape as the platform's API errors, so the UI handles one error
//! type and can mark each wrong field of a form.

use serde::{Serialize, Serializer};
use tongyou_client::ClientError;
use tongyou_core::api::{ApiError, ErrorCode, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Store(#[from] tongyou_offline_store::StoreError),
    #[error("the app is still starting")]
    NotReady,
    /// No answer from the platform: a normal state on a mountain.
    #[error("the platform cannot be reached: {0}")]
    Offline(String),
    /// The platform answered with an error; passed on as it said it, fields included.
    #[error("{}", .0.message)]
    Platform(ApiError),
    /// No session on this device, or the platform no longer accepts it.
    #[error("not signed in")]
    SignedOut,
    /// A gate command on a device no staff member has signed in at a gate.
    #[error("this device is not signed in at a gate")]
    NotAGate,
    /// Input checked on the device (a combo priced offline), field by field.
    #[error("some fields need attention")]
    Invalid(Vec<FieldError>),
    /// Something the device does not have and cannot fetch now.
    #[error("{0} is not on this device")]
    NotFound(String),
    #[error("unexpected answer from the platform: {0}")]
    Protocol(String),
    #[error(transparent)]
    Qr(#[from] crate::qr::QrError),
    /// A file the tourist asked for could not be written (disk full, no permission).
    #[error("could not write {0}")]
    Export(String),
    /// The system would not give random bytes (for a scan's nonce).
    #[error("no randomness from the system: {0}")]
    Random(String),
}

impl From<ClientError> for CommandError {
    fn from(e: ClientError) -> CommandError {
        match e {
            ClientError::Offline(why) => CommandError::Offline(why),
            ClientError::Api { error, .. } => CommandError::Platform(error),
            ClientError::Protocol(why) | ClientError::BadUrl(why) => CommandError::Protocol(why),
        }
    }
}

impl CommandError {
    pub fn to_api_error(&self) -> ApiError {
        let code = match self {
            CommandError::Platform(e) => return e.clone(),
            CommandError::Store(_)
            | CommandError::NotReady
            | CommandError::Protocol(_)
            | CommandError::Qr(_)
            | CommandError::Random(_)
            | CommandError::Export(_) => ErrorCode::Internal,
            CommandError::Offline(_) => ErrorCode::Offline,
            CommandError::SignedOut | CommandError::NotAGate => ErrorCode::Unauthorized,
            CommandError::Invalid(_) => ErrorCode::Invalid,
            CommandError::NotFound(_) => ErrorCode::NotFound,
        };
        let mut error = ApiError::new(code, self.to_string());
        if let CommandError::Invalid(fields) = self {
            error.fields = fields.clone();
        }
        error
    }
}

impl Serialize for CommandError {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_api_error().serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use tongyou_core::text::Text;

    use super::*;

    fn field(name: &str) -> FieldError {
        FieldError {
            field: name.into(),
            message: Text::new("身份证号校验位不对", "The check digit is wrong"),
        }
    }

    #[test]
    fn platform_errors_cross_ipc_as_the_platform_said_them() {
        let mut said = ApiError::new(ErrorCode::Invalid, "invalid traveller");
        said.fields = vec![field("id_number")];
        let e = CommandError::from(ClientError::Api {
            status: 422,
            error: said.clone(),
        });
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::to_value(&said).unwrap()
        );
    }

    #[test]
    fn no_answer_means_offline() {
        let e = CommandError::from(ClientError::Offline("connection refused".into()));
        assert_eq!(e.to_api_error().code, ErrorCode::Offline);
    }

    #[test]
    fn local_field_errors_keep_their_fields() {
        let e = CommandError::Invalid(vec![field("date"), field("travellers")]);
        let api = e.to_api_error();
        assert_eq!(api.code, ErrorCode::Invalid);
        assert_eq!(api.fields.len(), 2);
    }
}
