//! Outbox commands: the signed-in tourist's writes still waiting for the platform, or
//! refused by it, read from the device. Sending is [`crate::outbox`]'s, at every sync.

use tauri::State;

use crate::commands::account::signed_in;
use crate::error::CommandError;
use crate::outbox::PendingWrite;
use crate::state::AppState;

/// Writes waiting to be sent and writes the platform refused, oldest first (empty when
/// signed out).
#[tauri::command]
pub fn outbox(state: State<'_, AppState>) -> Result<Vec<PendingWrite>, CommandError> {
    let Some(session) = state.store.session()? else {
        return Ok(Vec::new());
    };
    Ok(state
        .store
        .outbox(session.account_id)?
        .into_iter()
        .map(crate::outbox::pending_write)
        .collect())
}

/// Clears a refused write from the list once the tourist has seen it.
#[tauri::command]
pub fn outbox_dismiss(state: State<'_, AppState>, id: i64) -> Result<(), CommandError> {
    let session = signed_in(&state)?;
    if state.store.dismiss(session.account_id, id)? {
        Ok(())
    } else {
        Err(CommandError::NotFound(format!("refused write {id}")))
    }
}
