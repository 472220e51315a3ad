//! Account commands: sign-in with a one-time code, the session kept on the device, and
//! saved travellers (常用旅客). The session token never crosses IPC: the shell keeps it
//! in the device store and adds it to platform calls itself.

use tauri::State;
use tongyou_core::api::{CodeSent, ErrorCode, Session, Traveller, TravellerInput};

use crate::error::CommandError;
use crate::state::AppState;

#[tauri::command]
pub async fn request_code(
    state: State<'_, AppState>,
    mobile: String,
) -> Result<CodeSent, CommandError> {
    Ok(state.client.request_code(mobile.trim()).await?)
}

#[tauri::command]
pub async fn sign_in(
    state: State<'_, AppState>,
    mobile: String,
    code: String,
) -> Result<Session, CommandError> {
    let session = state.client.sign_in(mobile.trim(), code.trim()).await?;
    state.store.save_session(&session)?;
    Ok(without_token(session))
}

/// Forgets the session on this device. Orders already on the device stay there.
#[tauri::command]
pub fn sign_out(state: State<'_, AppState>) -> Result<(), CommandError> {
    Ok(state.store.forget_session()?)
}

/// Who is signed in on this device, if anyone (read locally, works offline).
#[tauri::command]
pub fn session(state: State<'_, AppState>) -> Result<Option<Session>, CommandError> {
    Ok(state.store.session()?.map(without_token))
}

/// Saved travellers: fresh from the platform when it answers, else the device's copy.
#[tauri::command]
pub async fn travellers(state: State<'_, AppState>) -> Result<Vec<Traveller>, CommandError> {
    let session = signed_in(&state)?;
    match state.client.travellers(&session.token).await {
        Ok(list) => {
            state.store.save_travellers(session.account_id, &list)?;
            Ok(list)
        }
        Err(e) if e.is_offline() => Ok(state.store.travellers(session.account_id)?),
        Err(e) => Err(on_platform_error(&state, e.into())),
    }
}

#[tauri::command]
pub async fn add_traveller(
    state: State<'_, AppState>,
    input: TravellerInput,
) -> Result<Traveller, CommandError> {
    let session = signed_in(&state)?;
    let added = state
        .client
        .add_traveller(&session.token, &input)
        .await
        .map_err(|e| on_platform_error(&state, e.into()))?;
    let mut list = state.store.travellers(session.account_id)?;
    list.retain(|t| t.id != added.id);
    list.push(added.clone());
    state.store.save_travellers(session.account_id, &list)?;
    Ok(added)
}

#[tauri::command]
pub async fn remove_traveller(state: State<'_, AppState>, id: i64) -> Result<(), CommandError> {
    let session = signed_in(&state)?;
    state
        .client
        .remove_traveller(&session.token, id)
        .await
        .map_err(|e| on_platform_error(&state, e.into()))?;
    let mut list = state.store.travellers(session.account_id)?;
    list.retain(|t| t.id != id);
    state.store.save_travellers(session.account_id, &list)?;
    Ok(())
}

/// The device's session, with its token, for calls to the platform.
pub(crate) fn signed_in(state: &AppState) -> Result<Session, CommandError> {
    state.store.session()?.ok_or(CommandError::SignedOut)
}

/// A session the platform no longer accepts is forgotten, so the app asks to sign in.
/// (Only for calls made with the session: a wrong sign-in code is also "unauthorized".)
pub(crate) fn on_platform_error(state: &AppState, e: CommandError) -> CommandError {
    match e {
        CommandError::Platform(ref api) if api.code == ErrorCode::Unauthorized => {
            match state.store.forget_session() {
                Ok(()) => CommandError::SignedOut,
                Err(store) => store.into(),
            }
        }
        e => e,
    }
}

/// What the UI may know of a session: everything but the bearer token.
fn without_token(session: Session) -> Session {
    Session {
        token: String::new(),
        ..session
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_stays_in_the_shell() {
        let s = without_token(Session {
            token: "secret".into(),
            account_id: 1,
            mobile: "138****8000".into(),
            expires_at: "2026-12-22T00:00:00Z".into(),
        });
        assert!(s.token.is_empty());
        assert_eq!(s.mobile, "138****8000");
    }

    #[test]
    fn a_rejected_session_is_forgotten() {
        let dir = std::env::temp_dir().join(format!("tongyou-app-test-{}", std::process::id()));
        let state = AppState::open(&dir, "http://127.0.0.1:9").unwrap();
        state
            .store
            .save_session(&Session {
                token: "t".into(),
                account_id: 1,
                mobile: "138****8000".into(),
                expires_at: "2026-12-22T00:00:00Z".into(),
            })
            .unwrap();
        assert!(signed_in(&state).is_ok());
        let e = on_platform_error(&state, CommandError::Offline("down".into()));
        assert!(matches!(e, CommandError::Offline(_)));
        assert!(signed_in(&state).is_ok(), "being offline keeps the session");
        let rejected = tongyou_core::api::ApiError::new(ErrorCode::Unauthorized, "expired");
        let e = on_platform_error(&state, CommandError::Platform(rejected));
        assert!(matches!(e, CommandError::SignedOut));
        assert!(matches!(signed_in(&state), Err(CommandError::SignedOut)));
        drop(state);
        let _ = std::fs::remove_dir_all(dir);
    }
}
