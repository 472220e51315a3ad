//! The support audit log, for supervisors: every view of a shared trip and every action
//! on a case, newest first, as the platform keeps it (append-only). An agent who is not a
//! supervisor is told so; the platform refuses them anyway.

use leptos::prelude::*;
use tongyou_core::api::SupportAudit;

use crate::api;
use crate::ctx::{Ctx, Place};
use crate::i18n::{Msg, t};
use crate::time;

#[component]
pub fn AuditScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let lines = LocalResource::new(api::audit);
    let body = move || {
        let lang = lang.get();
        if !ctx.is_supervisor() {
            return view! { <p class="error" data-test="audit-refused">{t(lang, Msg::AuditOnlySupervisors)}</p> }
                .into_any();
        }
        match lines.get() {
            None => view! { <p class="loading">{t(lang, Msg::Loading)}</p> }.into_any(),
            Some(Err(failure)) => {
                ctx.signed_out_if_rejected(&failure);
                view! { <p class="error" data-test="error" role="alert">{ctx.explain(&failure)}</p> }
                    .into_any()
            }
            Some(Ok(lines)) if lines.is_empty() => {
                view! { <p class="empty">{t(lang, Msg::AuditEmpty)}</p> }.into_any()
            }
            Some(Ok(lines)) => view! {
                <table class="audit" data-test="audit">
                    <thead>
                        <tr>
                            <th>{t(lang, Msg::AuditWhen)}</th>
                            <th>{t(lang, Msg::AuditWho)}</th>
                            <th>{t(lang, Msg::AuditWhat)}</th>
                            <th>{t(lang, Msg::AuditCase)}</th>
                        </tr>
                    </thead>
                    <tbody>{lines.into_iter().map(line).collect_view()}</tbody>
                </table>
            }
            .into_any(),
        }
    };
    view! {
        <section class="audit-screen card" data-test="audit-screen">
            <header class="audit-head">
                <h1>{move || t(lang.get(), Msg::AuditTitle)}</h1>
                <a class="button" href=Place::Queue.path()>{move || t(lang.get(), Msg::BackToQueue)}</a>
            </header>
            <p class="hint">{move || t(lang.get(), Msg::AuditHint)}</p>
            {body}
        </section>
    }
}

fn line(entry: SupportAudit) -> impl IntoView {
    let case = entry.case_id.map(|id| {
        view! { <a href=Place::Case(id).path()>{format!("#{id}")}</a> }
    });
    let action = entry.action.clone();
    view! {
        <tr data-test="audit-line" data-action=action>
            <td>{time::moment(&entry.at)}</td>
            <td>{entry.agent}</td>
            <td>
                <code>{entry.action}</code>
                {entry.detail.map(|d| view! { <small>" " {d}</small> })}
            </td>
            <td>{case}</td>
        </tr>
    }
}
