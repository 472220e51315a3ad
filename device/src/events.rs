//! Following the platform's live events while the app runs: each event is applied to the
//! device's copy of its order (`tongyou-offline-store`'s `apply_event`, once however often
//! it comes) and the screens are told; a gap the platform cannot replay is filled by
//! reading the orders again, never skipped. The stream is resumed after its last applied
//! event (`Last-Event-ID`), with backoff while the platform cannot be reached; a sign-in
//! opens it at once. Support cases come on the same stream, each as it is when the stream
//! opens and again when it changes.

use std::time::Duration;

use chrono::Utc;
use futures_util::StreamExt;
use tongyou_client::EventMessage;
use tongyou_core::api::{Affected, Author, Case, EventKind};
use tongyou_core::text::Text;

use crate::booking::keep;
use crate::{CommandError, Device};

/// The first wait before reconnecting, doubled after each failure up to [`MOST_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const MOST_BACKOFF: Duration = Duration::from_secs(30);
/// How often to look again for a session while signed out.
const SIGNED_OUT_POLL: Duration = Duration::from_secs(5);

impl Device {
    /// Follows the signed-in account's events for as long as the app runs, calling
    /// `changed` after every change to the device's orders, to the disruptions that hit
    /// them or to a support case (see [`Heard`]).
    pub async fn follow_events(&self, changed: impl Fn(Heard) + Send + Sync) {
        let mut backoff = FIRST_BACKOFF;
        loop {
            match self.follow_once(&changed).await {
                // The platform closed the stream (a restart): back at once.
                Ok(()) => backoff = FIRST_BACKOFF,
                // Until someone signs in on this device.
                Err(CommandError::SignedOut) => {
                    tokio::select! {
                        () = tokio::time::sleep(SIGNED_OUT_POLL) => {}
                        () = self.signed_in_now.notified() => {}
                    }
                    continue;
                }
                Err(_) => {
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(MOST_BACKOFF);
                    continue;
                }
            }
        }
    }

    /// One connection: from the account's last applied event until the stream ends, the
    /// session changes, or something fails.
    pub async fn follow_once(
        &self,
        changed: &(impl Fn(Heard) + Send + Sync),
    ) -> Result<(), CommandError> {
        let session = self.signed_in()?;
        let account = session.account_id;
        let resume = self.store.event_cursor(account)?.map(|c| c.last_event_id);
        let mut stream = self
            .client
            .events(&session.token, resume.filter(|id| *id > 0))
            .await
            .map_err(|e| self.on_platform_error(e.into()))?;
        while let Some(message) = stream.next().await {
            // Signed out, or someone else signed in, meanwhile: this stream is not theirs.
            if self
                .store
                .session()?
                .is_none_or(|s| s.token != session.token)
            {
                return Ok(());
            }
            let now = Utc::now().to_rfc3339();
            match message.map_err(CommandError::from)? {
                EventMessage::Event(event) => {
                    let kept = self.store.apply_event(account, &event, &now)?;
                    if event.kind == EventKind::Disruption {
                        let hit = self
                            .client
                            .disruptions(&session.token)
                            .await
                            .map_err(|e| self.on_platform_error(e.into()))?;
                        self.store.save_disruptions(account, &hit)?;
                        changed(Heard::Orders(notice(&hit, event.order_id)));
                    } else if kept {
                        changed(Heard::Orders(None));
                    }
                }
                EventMessage::Heartbeat => self.store.heard_at(account, &now)?,
                EventMessage::Resync { last_event_id } => {
                    let orders = self
                        .client
                        .orders(&session.token)
                        .await
                        .map_err(|e| self.on_platform_error(e.into()))?;
                    keep(self, account, &orders)?;
                    self.store.caught_up(account, last_event_id, &now)?;
                    if let Ok(hit) = self.client.disruptions(&session.token).await {
                        self.store.save_disruptions(account, &hit)?;
                    }
                    changed(Heard::Orders(None));
                }
                // Every case when the stream opens, then each that changes: only news is told.
                EventMessage::Case(case) => {
                    self.store.heard_at(account, &now)?;
                    if self.store.save_case(account, &case)? {
                        changed(Heard::Case {
                            id: case.id,
                            notice: agent_wrote(&case),
                        });
                    }
                }
                // Only the agents' console stream carries the queue.
                EventMessage::Queue(_) | EventMessage::QueueChanges(_) => {}
            }
        }
        Ok(())
    }
}

/// What the device heard on the stream, for the screens and the notifications.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heard {
    /// The orders or the disruptions that hit them changed; `Some` to tell the tourist.
    Orders(Option<Notice>),
    /// A support case changed; `Some` when an agent wrote something not yet read.
    Case { id: i64, notice: Option<Notice> },
}

/// What to tell the tourist: a disruption that hits one of their orders, an agent's reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub title: Text,
    pub body: Text,
}

/// The notice for an agent's newest message in `case`, while the tourist has not read it.
fn agent_wrote(case: &Case) -> Option<Notice> {
    let last = case.messages.last()?;
    if last.author != Author::Agent || case.unread == 0 {
        return None;
    }
    let text = tongyou_core::support::preview(&last.text, 80);
    Some(Notice {
        title: Text::new("客服回复了您", "Support replied"),
        body: Text::new(text.clone(), text),
    })
}

/// The notice for `order_id`'s disruption, when one still hits it (a lifted one says
/// nothing: the trip simply shows no disruption any more).
fn notice(hit: &[Affected], order_id: i64) -> Option<Notice> {
    let affected = hit.iter().find(|a| a.order_id == order_id)?;
    Some(Notice {
        title: Text::new("行程受影响", "Your trip is affected"),
        body: Text::new(
            format!("{}。打开行程选择处理方式。", affected.why.zh),
            format!(
                "{}. Open your trip to choose what happens.",
                affected.why.en
            ),
        ),
    })
}
