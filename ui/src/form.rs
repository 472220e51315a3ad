//! Small pieces the forms share: a field's error message next to it, in the current
//! language, taken from the `fields` of an `ApiError` (the platform's or the device's);
//! placing an order under one idempotency key per submission, the payment chips and the
//! saved travellers (Book and Plan).

use leptos::prelude::*;
use tongyou_core::api::{
    ApiError, ErrorCode, FieldError, Lang, OrderRequest, OrderState, PaymentMethod, Text, Traveller,
};

use crate::ctx::Ctx;
use crate::i18n::{Msg, t};
use crate::ipc;

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

/// How placing an order ended when it did not open the order's page.
#[derive(Debug, Clone, PartialEq)]
pub enum Placed {
    /// The platform answered with a failed order: nothing charged, holds released.
    Failed(Option<Text>),
    /// No answer: it may or may not have reached the platform; sending it again is safe.
    NotSent,
    /// Refused before any order was made (fields, session, ...).
    Refused(ApiError),
}

/// Places `request` as one submission. `submission` holds the key of the submission in
/// flight and what it sent: the same request again reuses the key, so a retry after a lost
/// answer replays the first outcome instead of booking twice; an answer ends it. An order
/// that went through opens its page.
pub async fn place_order(
    ctx: Ctx,
    submission: RwSignal<Option<(String, OrderRequest)>>,
    request: OrderRequest,
) -> Option<Placed> {
    let key = match submission.get_untracked() {
        Some((key, same)) if same == request => key,
        _ => new_idempotency_key(),
    };
    submission.set(Some((key.clone(), request.clone())));
    match ipc::place_order(&request, &key).await {
        Ok(order) => {
            submission.set(None);
            match order.state {
                OrderState::Failed | OrderState::Expired => Some(Placed::Failed(order.problem)),
                _ => {
                    ctx.show_order(order.id);
                    None
                }
            }
        }
        // Keep the key: sending again is the same submission.
        Err(e) if e.code == ErrorCode::Offline => Some(Placed::NotSent),
        Err(e) => {
            submission.set(None);
            ctx.sign_out_if_rejected(&e);
            Some(Placed::Refused(e))
        }
    }
}

/// Loads the saved travellers into `list`.
pub async fn load_travellers(ctx: Ctx, list: RwSignal<Vec<Traveller>>) {
    match ipc::travellers().await {
        Ok(travellers) => list.set(travellers),
        Err(e) => ctx.fail(&e),
    }
}

/// Wallet / WeChat Pay / Alipay, one chosen (Book and Plan).
pub fn payment_chips(lang: RwSignal<Lang>, payment: RwSignal<PaymentMethod>) -> impl IntoView {
    let chip = move |method: PaymentMethod, msg: Msg, test: &'static str| {
        view! {
            <button
                type="button"
                class="chip"
                data-test=test
                class:active=move || payment.get() == method
                aria-pressed=move || (payment.get() == method).to_string()
                on:click=move |_| payment.set(method)
            >
                {move || t(lang.get(), msg)}
            </button>
        }
    };
    view! {
        <div class="chips">
            {chip(PaymentMethod::Wallet, Msg::Wallet, "pay-wallet")}
            {chip(PaymentMethod::WechatPay, Msg::WechatPay, "pay-wechat")}
            {chip(PaymentMethod::Alipay, Msg::Alipay, "pay-alipay")}
        </div>
    }
}
