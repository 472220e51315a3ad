//! The account's live events (`GET /api/v1/events`) as a stream of [`EventMessage`]s.
//!
//! The stream ends when the platform closes it (it stops, or the session ended) and fails
//! with [`ClientError::Offline`] when the link does: nothing, not even a heartbeat, for
//! [`STREAM_SILENCE`]. Either way the caller reconnects with the id of the last event it
//! applied, and the platform sends what it missed, or a [`EventMessage::Resync`].

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::stream::{self, Stream};
use tongyou_core::api::{Case, Event, QueueChanges, QueueEntry};

use crate::ClientError;
use crate::sse::{Frame, SseReader};

/// Silence after which a stream counts as cut: the platform writes a heartbeat every 15 s,
/// so three missed ones.
pub const STREAM_SILENCE: Duration = Duration::from_secs(45);

/// The `event:` of the platform's "read your orders again".
const RESYNC: &str = "resync";

/// What an event stream says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventMessage {
    /// Something happened to an order of the account; the event carries the order as it
    /// was when sent. Keep its `id` to resume from.
    Event(Box<Event>),
    /// The platform is there and has nothing new.
    Heartbeat,
    /// The stream could not resume from the position asked for (none was given, or the
    /// events after it are no longer kept): read the orders again. The stream carries on
    /// with the events after `last_event_id`, the newest the platform had; a device whose
    /// refresh of its orders began after this message is current up to it.
    Resync { last_event_id: i64 },
    /// One of the account's support cases changed (a message, a claim, closed): the case as
    /// it now is. No id: a client that reconnects reads its cases again.
    Case(Box<Case>),
    /// The agents' console stream ([`crate::ConsoleClient::queue_stream`]): the whole queue,
    /// first.
    Queue(Vec<QueueEntry>),
    /// The console stream after its first message: the lines that changed and the cases
    /// that left the queue.
    QueueChanges(QueueChanges),
}

/// An open event stream: a [`Stream`] of [`EventMessage`]s. Dropping it closes the
/// connection.
pub struct EventStream {
    messages: Pin<Box<dyn Stream<Item = Result<EventMessage, ClientError>> + Send>>,
}

impl std::fmt::Debug for EventStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EventStream")
    }
}

impl EventStream {
    /// Reads `response`, an answer of `text/event-stream`.
    pub(crate) fn new(response: reqwest::Response) -> EventStream {
        let reading = Reading {
            response: Some(response),
            reader: SseReader::default(),
            ready: VecDeque::new(),
        };
        EventStream {
            messages: Box::pin(stream::unfold(reading, Reading::next)),
        }
    }
}

impl Stream for EventStream {
    type Item = Result<EventMessage, ClientError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.messages.as_mut().poll_next(cx)
    }
}

/// Where the reading of one answer stands.
struct Reading {
    /// `None` once it ended or failed.
    response: Option<reqwest::Response>,
    reader: SseReader,
    ready: VecDeque<Result<EventMessage, ClientError>>,
}

impl Reading {
    async fn next(mut self) -> Option<(Result<EventMessage, ClientError>, Reading)> {
        loop {
            if let Some(message) = self.ready.pop_front() {
                return Some((message, self));
            }
            let chunk = self.response.as_mut()?.chunk().await;
            match chunk {
                Ok(Some(bytes)) => {
                    let frames = self.reader.feed(&bytes);
                    self.ready.extend(frames.into_iter().filter_map(message));
                }
                Ok(None) => return None,
                Err(e) => {
                    self.response = None;
                    return Some((Err(ClientError::Offline(e.to_string())), self));
                }
            }
        }
    }
}

/// What a frame means; `None` for a message of a kind this client does not know (a newer
/// platform's), which it passes over.
fn message(frame: Frame) -> Option<Result<EventMessage, ClientError>> {
    match frame {
        Frame::Comment(_) => Some(Ok(EventMessage::Heartbeat)),
        Frame::Message { id, event, .. } if event == RESYNC => Some(
            id.as_deref()
                .and_then(|id| id.parse().ok())
                .map(|last_event_id| EventMessage::Resync { last_event_id })
                .ok_or_else(|| ClientError::Protocol("a resync without an event id".into())),
        ),
        Frame::Message { event, data, .. } if event == "case" => Some(
            serde_json::from_str::<Case>(&data)
                .map(|c| EventMessage::Case(Box::new(c)))
                .map_err(|e| ClientError::Protocol(format!("an unreadable case: {e}"))),
        ),
        Frame::Message { event, data, .. } if event == "queue" => Some(
            serde_json::from_str::<Vec<QueueEntry>>(&data)
                .map(EventMessage::Queue)
                .map_err(|e| ClientError::Protocol(format!("an unreadable queue: {e}"))),
        ),
        Frame::Message { event, data, .. } if event == "queue_changes" => Some(
            serde_json::from_str::<QueueChanges>(&data)
                .map(EventMessage::QueueChanges)
                .map_err(|e| ClientError::Protocol(format!("unreadable queue changes: {e}"))),
        ),
        Frame::Message { event, data, .. } => {
            let known: Result<tongyou_core::api::EventKind, _> =
                serde_json::from_value(serde_json::Value::String(event));
            known.ok()?;
            Some(
                serde_json::from_str::<Event>(&data)
                    .map(|e| EventMessage::Event(Box::new(e)))
                    .map_err(|e| ClientError::Protocol(format!("an unreadable event: {e}"))),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn frames_mean_heartbeats_resyncs_and_events() {
        assert_eq!(
            message(Frame::Comment("heartbeat".into()))
                .unwrap()
                .unwrap(),
            EventMessage::Heartbeat
        );
        let resync = Frame::Message {
            id: Some("42".into()),
            event: RESYNC.into(),
            data: "{\"last_event_id\":42}".into(),
        };
        assert_eq!(
            message(resync).unwrap().unwrap(),
            EventMessage::Resync { last_event_id: 42 }
        );
        let newer = Frame::Message {
            id: Some("43".into()),
            event: "weather_warning".into(),
            data: "{}".into(),
        };
        assert!(message(newer).is_none(), "a kind from a newer platform");
        let broken = Frame::Message {
            id: Some("44".into()),
            event: "pass_used".into(),
            data: "{}".into(),
        };
        assert!(matches!(
            message(broken),
            Some(Err(ClientError::Protocol(_)))
        ));
    }
}
