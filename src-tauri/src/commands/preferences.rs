//! The tourist's preferences, kept on the device.

use tauri::State;
use tongyou_core::text::Lang;

use crate::error::CommandError;
use crate::state::AppState;

#[tauri::command]
pub fn set_language(state: State<'_, AppState>, lang: Lang) -> Result<(), CommandError> {
    Ok(state.store.set_language(lang)?)
}
