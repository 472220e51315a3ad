//! A disruption on the Trip screen: what it hits and why, by when to choose, and the ways
//! out side by side with their money; one tap applies one (all of it or nothing, on the
//! platform), and what changed is shown once it is done. Read again whenever the orders
//! change (the shell's `orders-changed`, which a disruption event also sends).

use leptos::prelude::*;
use tongyou_core::api::{Affected, Lang, Order, PassState, SubOrderState, WayOut, WayOutKind};
use tongyou_core::catalog::Fen;

use crate::ctx::Ctx;
use crate::i18n::{Msg, t, tr};
use crate::ipc;
use crate::time::short_time;

/// The disruptions, and what taking a way out needs and leaves: made once per Trip
/// screen, so they outlive the timeline (drawn again on every tick and when the order a
/// way out changed comes back) and are read again only when the orders change.
#[derive(Clone, Copy)]
pub struct WayOuts {
    hit: LocalResource<Result<Vec<Affected>, tongyou_core::api::ApiError>>,
    apply: Action<(i64, i64, String), ()>,
    done: RwSignal<Option<Order>>,
    error: RwSignal<Option<String>>,
}

impl WayOuts {
    pub fn new(ctx: Ctx) -> WayOuts {
        let done = RwSignal::new(None::<Order>);
        let error = RwSignal::new(None::<String>);
        let apply = Action::new_local(move |(order, disruption, way): &(i64, i64, String)| {
            let (order, disruption, way) = (*order, *disruption, way.clone());
            async move {
                error.set(None);
                match ipc::apply_way_out(order, disruption, &way).await {
                    Ok(after) => done.set(Some(after)),
                    Err(e) => ctx.fail_into(error, &e),
                }
                // The trip and the ways out (worked out again after a refusal) are read again.
                ctx.orders_changed.update(|n| *n += 1);
            }
        });
        let hit = LocalResource::new(move || {
            ctx.orders_changed.track();
            ipc::disruptions()
        });
        WayOuts {
            hit,
            apply,
            done,
            error,
        }
    }
}

/// The disruptions that hit the tourist's orders, and what the last way out taken did.
#[component]
pub fn Disruptions(ways: WayOuts) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let WayOuts {
        hit,
        apply,
        done,
        error,
    } = ways;
    view! {
        {move || {
            let lang = lang.get();
            let list = hit.get().and_then(Result::ok).unwrap_or_default();
            list.into_iter()
                .map(|a| card(lang, a, apply))
                .collect_view()
        }}
        {move || apply.pending().get().then(|| view! {
            <p class="card rebooking" role="status" data-test="rebooking">{tr(lang, Msg::Rebooking)}</p>
        })}
        {move || error.get().map(|e| view! {
            <p class="card error" role="alert" data-test="way-error">{e}</p>
        })}
        {move || done.get().map(|order| applied(lang.get(), &order))}
    }
}

fn card(lang: Lang, a: Affected, apply: Action<(i64, i64, String), ()>) -> impl IntoView {
    let (order, disruption) = (a.order_id, a.disruption.id);
    view! {
        <section
            class="card disruption"
            role="alert"
            data-test="disruption"
            data-order=order
            data-disruption=disruption
        >
            <p class="phase">{t(lang, Msg::DisruptionTitle)}</p>
            <h2 data-test="disruption-why">{a.why.get(lang).to_owned()}</h2>
            <p class="hint">
                {format!("{} {}", t(lang, Msg::DecideBy), short_time(&a.expires_at))}
            </p>
            <div class="ways">
                {a.ways_out
                    .into_iter()
                    .map(|way| way_card(lang, order, disruption, way, apply))
                    .collect_view()}
            </div>
        </section>
    }
}

fn way_card(
    lang: Lang,
    order: i64,
    disruption: i64,
    way: WayOut,
    apply: Action<(i64, i64, String), ()>,
) -> impl IntoView {
    let (kind, title) = match way.kind {
        WayOutKind::DelayOneDay => ("delay", Msg::WayDelay),
        WayOutKind::Swap => ("swap", Msg::WaySwap),
        WayOutKind::Refund => ("refund", Msg::WayRefund),
    };
    let difference = (way.kind != WayOutKind::Refund).then(|| {
        let d = way.price_difference;
        let said = if d.0 > 0 {
            format!("+{} ({})", d.display_yuan(), t(lang, Msg::NotCharged))
        } else if d.0 < 0 {
            format!("−{}", Fen(-d.0).display_yuan())
        } else {
            Fen(0).display_yuan()
        };
        view! { <dt>{t(lang, Msg::PriceDifference)}</dt><dd data-test="way-difference">{said}</dd> }
    });
    let compensation = (way.compensation.0 > 0).then(|| view! {
        <dt>{t(lang, Msg::Compensation)}</dt><dd data-test="way-compensation">{way.compensation.display_yuan()}</dd>
    });
    let id = way.id.clone();
    view! {
        <article class="way" data-test="way-out" data-kind=kind data-id=way.id.clone()>
            <h3>{t(lang, title)}</h3>
            <p>{way.summary.get(lang).to_owned()}</p>
            <dl>
                {difference}
                <dt>{t(lang, Msg::BackToYou)}</dt>
                <dd data-test="way-refund">{way.refund.display_yuan()}</dd>
                {compensation}
            </dl>
            <button
                type="button"
                class="primary"
                data-test="choose-way"
                disabled=move || apply.pending().get()
                on:click=move |_| { apply.dispatch_local((order, disruption, id.clone())); }
            >
                {t(lang, Msg::ChooseWay)}
            </button>
        </article>
    }
}

/// What the way out taken changed, read from the order the platform answered with.
fn applied(lang: Lang, order: &Order) -> impl IntoView + use<> {
    let count = |state: SubOrderState| order.sub_orders.iter().filter(|s| s.state == state).count();
    let passes = |state: PassState| order.passes.iter().filter(|p| p.state == state).count();
    let rows = [
        (Msg::StepHold, count(SubOrderState::Confirmed).to_string()),
        (
            Msg::StepRelease,
            count(SubOrderState::Cancelled).to_string(),
        ),
        (
            Msg::StepPasses,
            format!(
                "{} / {}",
                passes(PassState::Valid),
                passes(PassState::Revoked)
            ),
        ),
        (Msg::StepMoney, order.payment.refunded.display_yuan()),
    ];
    view! {
        <section class="card way-applied" role="status" data-test="way-applied" data-date=order.date.clone()>
            <h2>{t(lang, Msg::WayApplied)}</h2>
            {order.problem.as_ref().map(|p| view! { <p class="hint">{p.get(lang).to_owned()}</p> })}
            <dl>
                {rows
                    .into_iter()
                    .map(|(m, v)| view! { <dt>{t(lang, m)}</dt><dd>{v}</dd> })
                    .collect_view()}
            </dl>
        </section>
    }
}
