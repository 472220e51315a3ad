//! The Orders tab: the tourist's orders, and one order's page with its state, money,
//! sub-orders (scenic, hotel, transport) and the passes issued. While a redirect payment
//! is pending, the simulated cashier stands in for WeChat Pay / Alipay. Fresh from the
//! platform when it answers, else the device's last copy.
//!
//! A confirmed order can be cancelled, after a confirm step naming each product's refund
//! rule. With no network the cancellation waits in the shell's outbox: the page says it
//! will happen once online, and shows the cancelled order when the sync has sent it. What
//! comes back is the platform's to compute; the page shows the refund it reports.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongyou_core::api::{
    ApiError, ErrorCode, IssuedPass, Lang, Order, OrderState, PaymentState, PendingWrite, SubOrder,
    SubOrderState,
};
use tongyou_core::catalog::Catalog;
use tongyou_core::text::Text;

use crate::ctx::{Ctx, Tab};
use crate::i18n::{self, Msg, t, tr};
use crate::ipc;
use crate::outbox::{Outbox, RefusedWrite, refusal_text};
use crate::time::short_time;

#[component]
pub fn OrdersScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let signed_in = Memo::new(move |_| ctx.session.with(Option::is_some));
    move || {
        if !signed_in.get() {
            return view! {
                <section class="screen empty">
                    <h2>{tr(lang, Msg::OrdersTitle)}</h2>
                    <button class="primary" data-test="orders-sign-in" on:click=move |_| ctx.open(Tab::Me)>
                        {tr(lang, Msg::SignInTitle)}
                    </button>
                </section>
            }
            .into_any();
        }
        match ctx.open_order.get() {
            Some(id) => view! { <OrderPage id=id /> }.into_any(),
            None => view! { <OrderList /> }.into_any(),
        }
    }
}

#[component]
fn OrderList() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let outbox = Outbox::watch(ctx);
    // Fresh from the platform when it answers, else the device's copy: the shell decides.
    let orders = LocalResource::new(ipc::orders);
    Effect::new(move |_| {
        if let Some(Err(e)) = orders.get() {
            ctx.fail(&e);
        }
    });
    view! {
        <section class="screen orders" data-test="orders">
            <header class="screen-head">
                <h1>{tr(lang, Msg::OrdersTitle)}</h1>
            </header>
            <Suspense fallback=move || view! { <p class="loading">{tr(lang, Msg::Loading)}</p> }>
                {move || orders.get().map(|answer| {
                    let lang = lang.get();
                    match answer.unwrap_or_default() {
                        list if list.is_empty() => view! { <p class="empty">{t(lang, Msg::NoOrders)}</p> }.into_any(),
                        list => view! {
                            <div class="cards">
                                {list.into_iter().map(|o| order_card(ctx, outbox, lang, o)).collect_view()}
                            </div>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn order_card(ctx: Ctx, outbox: Outbox, lang: Lang, o: Order) -> impl IntoView {
    let id = o.id;
    let cancelling = move || {
        outbox
            .cancellation(id)
            .is_some_and(|w| w.refusal.is_none())
            .then(|| view! { <span class="state pending" data-test="order-card-cancelling">{t(lang, Msg::CancelQueued)}</span> })
    };
    let items: Vec<String> = o
        .quote
        .lines
        .iter()
        .map(|l| l.name.get(lang).to_owned())
        .fold(Vec::new(), |mut names, n| {
            if !names.contains(&n) {
                names.push(n);
            }
            names
        });
    view! {
        <button class="card order-card" data-test="order-card" data-id=id.to_string() on:click=move |_| ctx.show_order(id)>
            <header>
                <h3>{i18n::order_no(lang, id)}</h3>
                <span class="badges">{cancelling}{state_badge(lang, o.state)}</span>
            </header>
            <p class="route">{o.date}</p>
            <p>{items.join(" · ")}</p>
            <p class="price">{o.quote.total.display_yuan()}</p>
        </button>
    }
}

fn state_badge(lang: Lang, state: OrderState) -> impl IntoView {
    let key = serde_state(state);
    view! {
        <span class="state" data-test="order-state" data-state=key>{i18n::order_state(lang, state)}</span>
    }
}

/// The state as the API spells it (`confirmed`, `awaiting_payment`…), for tests and CSS.
fn serde_state(state: OrderState) -> &'static str {
    match state {
        OrderState::AwaitingPayment => "awaiting_payment",
        OrderState::Confirmed => "confirmed",
        OrderState::PartlyConfirmed => "partly_confirmed",
        OrderState::Failed => "failed",
        OrderState::Expired => "expired",
        OrderState::Cancelled => "cancelled",
    }
}

#[component]
fn OrderPage(id: i64) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    // Fresh from the platform when it answers, else the device's copy: the shell decides.
    let order = LocalResource::new(move || ipc::order(id));
    Effect::new(move |_| {
        if let Some(Err(e)) = order.get() {
            ctx.fail(&e);
        }
    });
    let outbox = Outbox::watch(ctx);
    let cancel_write = Memo::new(move |_| outbox.cancellation(id));
    // A cancellation that waited and is no longer waiting has landed (or was refused):
    // the order is read again, so the page shows what the platform made of it.
    Effect::new(move |was_waiting: Option<bool>| {
        let waiting = cancel_write.with(|w| w.as_ref().is_some_and(|w| w.refusal.is_none()));
        if was_waiting == Some(true) && !waiting {
            order.refetch();
        }
        waiting
    });
    // The simulated cashier: pay (true) or give up (false), then the order as it now is.
    let cashier = Action::new_local(move |&approve: &bool| async move {
        let payment = order.with_untracked(|o| match o {
            Some(Ok(o)) => Some(o.payment.id.clone()),
            _ => None,
        });
        let Some(payment) = payment else { return };
        if let Err(e) = ipc::cashier(&payment, approve).await {
            ctx.fail(&e);
        }
        order.set(Some(ipc::order(id).await));
    });
    let busy = cashier.pending();

    view! {
        <section class="screen order" data-test="order" data-id=id.to_string()>
            <button class="link back" data-test="all-orders" on:click=move |_| ctx.open(Tab::Orders)>
                {move || format!("‹ {}", t(lang.get(), Msg::AllOrders))}
            </button>
            <Transition fallback=move || view! { <p class="loading">{tr(lang, Msg::Loading)}</p> }>
            {move || {
                let lang = lang.get();
                // A failed read is said by the toast; the page keeps its back button.
                let Some(Ok(o)) = order.get() else {
                    return ().into_any();
                };
                let awaiting = o.state == OrderState::AwaitingPayment
                    && o.payment.state == PaymentState::Pending;
                let failed = matches!(o.state, OrderState::Failed | OrderState::Expired);
                let method = match o.payment.method {
                    tongyou_core::api::PaymentMethod::Wallet => t(lang, Msg::Wallet),
                    tongyou_core::api::PaymentMethod::WechatPay => t(lang, Msg::WechatPay),
                    tongyou_core::api::PaymentMethod::Alipay => t(lang, Msg::Alipay),
                };
                view! {
                    <header class="order-head card">
                        <div class="title-row">
                            <h1>{i18n::order_no(lang, o.id)}</h1>
                            {state_badge(lang, o.state)}
                        </div>
                        <p class="route">{o.date.clone()}</p>
                        <dl class="money">
                            <div><dt>{t(lang, Msg::OrderTotal)}</dt><dd data-test="order-total">{o.quote.total.display_yuan()}</dd></div>
                            <div><dt>{t(lang, Msg::PaymentRow)}</dt><dd data-test="order-paid">
                                {format!("{} · {} · {}", o.payment.amount.display_yuan(), method, i18n::payment_state(lang, o.payment.state))}
                            </dd></div>
                            {(o.payment.refunded.0 > 0).then(|| view! {
                                <div><dt>{t(lang, Msg::Refunded)}</dt><dd data-test="order-refunded">{o.payment.refunded.display_yuan()}</dd></div>
                            })}
                        </dl>
                        {o.problem.as_ref().map(|p| {
                            // A cancellation the tourist asked for is news, not an alarm.
                            let (class, role) = if o.state == OrderState::Cancelled { ("outcome", "status") } else { ("problem", "alert") };
                            view! { <p class=class role=role data-test="order-problem">{p.get(lang).to_owned()}</p> }
                        })}
                        {failed.then(|| view! {
                            {o.problem.is_none().then(|| view! { <p class="problem">{t(lang, Msg::OrderFailedWhat)}</p> })}
                            <button class="primary" data-test="back-to-book" on:click=move |_| ctx.open(Tab::Book)>
                                {t(lang, Msg::BackToBook)}
                            </button>
                        })}
                        <CancelArea order=o.clone() page=order outbox=outbox write=cancel_write />
                    </header>
                    {awaiting.then(|| view! {
                        <section class="card cashier" data-test="cashier">
                            <h2>{t(lang, Msg::CashierTitle)} " · " {method}</h2>
                            <p class="demo">{t(lang, Msg::CashierDemo)}</p>
                            <p class="cashier-amount">{o.payment.amount.display_yuan()}</p>
                            {o.holds_expire_at.clone().map(|at| view! {
                                <p class="hint">{format!("{} {}", t(lang, Msg::HoldsUntil), short_time(&at))}</p>
                            })}
                            <div class="actions">
                                <button class="primary" data-test="cashier-pay" disabled=move || busy.get() on:click=move |_| { cashier.dispatch_local(true); }>
                                    {t(lang, Msg::CashierPay)}
                                </button>
                                <button class="secondary" data-test="cashier-cancel" disabled=move || busy.get() on:click=move |_| { cashier.dispatch_local(false); }>
                                    {t(lang, Msg::CashierCancel)}
                                </button>
                            </div>
                        </section>
                    })}
                    <section class="block">
                        <h2>{t(lang, Msg::SubOrders)}</h2>
                        <div class="cards">
                            {o.sub_orders.into_iter().map(|s| sub_order_card(lang, s)).collect_view()}
                        </div>
                    </section>
                    {(!o.passes.is_empty()).then(|| view! {
                        <section class="block">
                            <h2>{t(lang, Msg::Passes)}</h2>
                            <button class="secondary" data-test="show-in-tickets" on:click=move |_| ctx.open(Tab::Tickets)>
                                {t(lang, Msg::ShowInTickets)}
                            </button>
                            <div class="cards">
                                {o.passes.into_iter().map(|p| pass_card(lang, p)).collect_view()}
                            </div>
                        </section>
                    })}
                }
                .into_any()
            }}
            </Transition>
            <button class="secondary refresh" on:click=move |_| order.refetch()>{tr(lang, Msg::Refresh)}</button>
        </section>
    }
}

/// The products one refund rule covers in an order.
#[derive(Debug, Clone, PartialEq)]
struct RuleGroup {
    /// `None`: the catalog has no rule for them, so nothing comes back.
    rule: Option<Text>,
    products: Vec<Text>,
}

/// The refund rule of every product a cancellation would refund (the lines of the
/// sub-orders still standing), grouped by rule in the order they first appear.
fn rule_groups(catalog: Option<&Catalog>, order: &Order) -> Vec<RuleGroup> {
    let mut groups: Vec<(Option<&str>, RuleGroup)> = Vec::new();
    let standing = order
        .sub_orders
        .iter()
        .filter(|s| matches!(s.state, SubOrderState::Confirmed | SubOrderState::Adjusted));
    for line in standing.flat_map(|s| &s.lines) {
        let rule = catalog.and_then(|c| c.refund_rule(line.kind));
        let key = rule.map(|r| r.id.as_str());
        let at = match groups.iter().position(|(k, _)| *k == key) {
            Some(at) => at,
            None => {
                let group = RuleGroup {
                    rule: rule.map(|r| r.name.clone()),
                    products: Vec::new(),
                };
                groups.push((key, group));
                groups.len() - 1
            }
        };
        if let Some((_, group)) = groups.get_mut(at)
            && !group.products.contains(&line.name)
        {
            group.products.push(line.name.clone());
        }
    }
    groups.into_iter().map(|(_, g)| g).collect()
}

/// The way to cancel an order that can still be cancelled: the button, the confirm step
/// with each product's refund rule, and what became of a cancellation that had to wait
/// for the network (waiting, or refused).
#[component]
fn CancelArea(
    /// The copy of the order the page shows now.
    order: Order,
    /// The page's order, given the cancelled copy once the platform answers.
    page: LocalResource<Result<Order, ApiError>>,
    outbox: Outbox,
    write: Memo<Option<PendingWrite>>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let id = order.id;
    let cancellable = matches!(
        order.state,
        OrderState::Confirmed | OrderState::PartlyConfirmed
    );
    let confirming = RwSignal::new(false);
    // A refusal the platform gave at once (online), said in place like a queued one.
    let refused = RwSignal::new(None::<ApiError>);
    let rules = RwSignal::new(rule_groups(None, &order));
    if cancellable {
        let region = order.region_id.clone();
        spawn_local(async move {
            match ipc::region_catalog(&region).await {
                Ok(snapshot) => {
                    rules.set(rule_groups(snapshot.as_ref().map(|s| &s.catalog), &order));
                }
                Err(e) => ctx.fail(&e),
            }
        });
    }

    let cancel = Action::new_local(move |_: &()| async move {
        match ipc::cancel_order(id).await {
            // Online: the cancelled order. Offline: the device's copy, unchanged, and the
            // outbox read below says the cancellation waits.
            Ok(fresh) => {
                // Read before the page is redrawn, so the waiting state shows at once.
                outbox.read_after_write(ctx).await;
                confirming.set(false);
                page.set(Some(Ok(fresh)));
            }
            Err(e)
                if matches!(
                    e.code,
                    ErrorCode::Conflict | ErrorCode::NotFound | ErrorCode::Invalid
                ) =>
            {
                confirming.set(false);
                refused.set(Some(e));
            }
            Err(e) => ctx.fail(&e),
        }
    });
    let busy = cancel.pending();

    view! {
        {move || write.get().map(|w| match w.refusal {
            Some(_) => view! { <RefusedWrite outbox=outbox write=w /> }.into_any(),
            None => view! {
                <div class="waiting" role="status" data-test="cancel-pending" data-attempts=w.attempts.to_string()>
                    <strong>{tr(lang, Msg::CancelWaiting)}</strong>
                    <p>{tr(lang, Msg::CancelWaitingHint)}</p>
                </div>
            }
            .into_any(),
        })}
        {move || refused.get().map(|e| view! {
            <div class="problem refused" role="alert" data-test="cancel-refused">
                <span>{refusal_text(lang.get(), tongyou_core::api::WriteKind::CancelOrder, &e)}</span>
            </div>
        })}
        {move || {
            let lang = lang.get();
            if !cancellable || write.with(Option::is_some) {
                return None;
            }
            if !confirming.get() {
                return Some(view! {
                    <div class="actions">
                        <button class="secondary danger" data-test="cancel-order" on:click=move |_| {
                            refused.set(None);
                            confirming.set(true);
                        }>
                            {t(lang, Msg::CancelOrder)}
                        </button>
                    </div>
                }
                .into_any());
            }
            Some(view! {
                <div class="cancel-ask" data-test="cancel-ask">
                    <h2>{t(lang, Msg::CancelAsk)}</h2>
                    <p class="hint">{t(lang, Msg::CancelAskHint)}</p>
                    <h3>{t(lang, Msg::RefundRules)}</h3>
                    <ul class="rules">
                        {rules.get().into_iter().map(|g| view! {
                            <li data-test="refund-rule">
                                <strong data-test="refund-rule-name">
                                    {g.rule.map_or_else(|| t(lang, Msg::NoRefundRule).to_owned(), |r| r.get(lang).to_owned())}
                                </strong>
                                <small>{i18n::list(lang, &g.products.iter().map(|p| p.get(lang).to_owned()).collect::<Vec<_>>())}</small>
                            </li>
                        }).collect_view()}
                    </ul>
                    <div class="actions">
                        <button class="primary danger" data-test="cancel-confirm" disabled=move || busy.get() on:click=move |_| { cancel.dispatch_local(()); }>
                            {move || t(lang, if busy.get() { Msg::Cancelling } else { Msg::CancelYes })}
                        </button>
                        <button class="secondary" data-test="cancel-keep" disabled=move || busy.get() on:click=move |_| confirming.set(false)>
                            {t(lang, Msg::CancelKeep)}
                        </button>
                    </div>
                </div>
            }
            .into_any())
        }}
    }
    .into_any()
}

fn sub_order_card(lang: Lang, s: SubOrder) -> impl IntoView {
    let state = format!("{:?}", s.state).to_lowercase();
    let badge_state = state.clone();
    view! {
        <article class="card sub-order" data-test="sub-order" data-provider=format!("{:?}", s.provider).to_lowercase() data-state=state>
            <header>
                <h3>{i18n::provider(lang, s.provider)}</h3>
                <span class="state" data-test="sub-order-state" data-state=badge_state>{i18n::sub_order_state(lang, s.state)}</span>
            </header>
            <ul class="lines">
                {s.lines.into_iter().map(|l| view! {
                    <li class="line">
                        <div class="line-head">
                            <span class="line-name">{l.name.get(lang).to_owned()}<small>{format!(" × {}", l.quantity)}</small></span>
                            <strong>{l.pay.display_yuan()}</strong>
                        </div>
                        <ul class="notes">{l.notes.into_iter().map(|n| view! { <li>{n.get(lang).to_owned()}</li> }).collect_view()}</ul>
                    </li>
                }).collect_view()}
            </ul>
            {s.note.map(|n| view! { <p class="note" data-test="sub-order-note">{n.get(lang).to_owned()}</p> })}
            {(s.refunded.0 > 0).then(|| view! {
                <p class="note">{format!("{} {}", t(lang, Msg::Refunded), s.refunded.display_yuan())}</p>
            })}
        </article>
    }
}

fn pass_card(lang: Lang, p: IssuedPass) -> impl IntoView {
    let slot = p.slot.map(|(a, b)| i18n::hours(a, b));
    // The QR code is in the Tickets screen; a short form is enough to tell passes apart.
    let short = if p.code.chars().count() > 20 {
        let head: String = p.code.chars().take(10).collect();
        let tail: String = p
            .code
            .chars()
            .rev()
            .take(6)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("{head}…{tail}")
    } else {
        p.code.clone()
    };
    view! {
        <article class="card pass" data-test="pass" data-product=p.product_id>
            <header>
                <h3>{p.name.get(lang).to_owned()}</h3>
                {p.holder.map(|h| view! { <span class="state" data-test="pass-holder">{h}</span> })}
            </header>
            <p class="route">{match slot { Some(s) => format!("{} {s}", p.date), None => p.date }}</p>
            <code class="pass-code" title=p.code data-test="pass-code">{short}</code>
        </article>
    }
}
