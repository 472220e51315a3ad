//! Small pieces every form shares: a field's error message next to it, in the current
//! language, taken from the `fields` of an `ApiError` (the platform's or the device's).

use leptos::prelude::*;
use tongyou_core::api::{FieldError, Lang};

/// The message for `field`, if it has one.
pub fn message(errors: &[FieldError], field: &str, lang: Lang) -> Option<String> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.get(lang).to_owned())
}

/// Renders `field`'s error under the field while there is one.
pub fn field_error(
    lang: RwSignal<Lang>,
    errors: RwSignal<Vec<FieldError>>,
    field: impl Into<String>,
) -> impl IntoView {
    let field = field.into();
    move || {
        errors
            .with(|es| message(es, &field, lang.get()))
            .map(|text| {
                view! {
                    <p class="field-error" role="alert" data-test="field-error" data-field=field.clone()>
                        {text}
                    </p>
                }
            })
    }
}

/// A key for one submission of a form: a retry of the same submission reuses it, so the
/// platform replays the first answer instead of acting twice.
pub fn new_idempotency_key() -> String {
    let now = js_sys::Date::now() as u64;
    let random = (js_sys::Math::random() * 1e15) as u64;
    format!("ui-{now:x}-{random:x}")
}
