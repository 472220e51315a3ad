//! A reader of `text/event-stream` (the server-sent events format of the HTML standard),
//! fed bytes as they arrive, however the network cuts them: a line split across chunks,
//! a `\r\n` split between two, a character split mid-way.
//!
//! It yields what the stream says and nothing more: messages (`id`, `event`, `data`) and
//! comment lines. What they mean is the caller's business ([`crate::events`]).

/// One thing a stream said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Frame {
    /// A message, dispatched by its blank line. `id` is the last id the stream set (it
    /// carries over to later messages, as the standard says); `event` is `message` when
    /// not given.
    Message {
        id: Option<String>,
        event: String,
        data: String,
    },
    /// A comment line (`:` and what follows), such as a heartbeat.
    Comment(String),
}

#[derive(Debug, Default)]
pub(crate) struct SseReader {
    /// The bytes of the line not yet ended.
    line: Vec<u8>,
    /// The last byte seen was a `\r`: a `\n` right after it ends no second line.
    after_cr: bool,
    id: Option<String>,
    event: Option<String>,
    data: Option<String>,
}

impl SseReader {
    /// Takes the next bytes of the stream; returns every frame they complete.
    pub(crate) fn feed(&mut self, bytes: &[u8]) -> Vec<Frame> {
        let mut frames = Vec::new();
        for &b in bytes {
            match b {
                b'\n' if self.after_cr => self.after_cr = false,
                b'\n' | b'\r' => {
                    self.after_cr = b == b'\r';
                    let line = std::mem::take(&mut self.line);
                    frames.extend(self.line_ended(&String::from_utf8_lossy(&line)));
                }
                _ => {
                    self.after_cr = false;
                    self.line.push(b);
                }
            }
        }
        frames
    }

    fn line_ended(&mut self, line: &str) -> Option<Frame> {
        if line.is_empty() {
            return self.dispatch();
        }
        if let Some(comment) = line.strip_prefix(':') {
            return Some(Frame::Comment(
                comment.strip_prefix(' ').unwrap_or(comment).to_owned(),
            ));
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => self.event = Some(value.to_owned()),
            "data" => match &mut self.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => self.data = Some(value.to_owned()),
            },
            // An id with a NUL is ignored, as the standard says.
            "id" if !value.contains('\0') => self.id = Some(value.to_owned()),
            // `retry` and unknown fields: nothing this client uses.
            _ => {}
        }
        None
    }

    /// The blank line: the message so far, if it has data (one without is dropped).
    fn dispatch(&mut self) -> Option<Frame> {
        let event = self.event.take();
        let data = self.data.take()?;
        Some(Frame::Message {
            id: self.id.clone(),
            event: event
                .filter(|e| !e.is_empty())
                .unwrap_or_else(|| "message".into()),
            data,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use proptest::prelude::*;

    use super::*;

    const STREAM: &str = ": heartbeat\n\nid: 7\nevent: pass_used\ndata: {\"a\":1}\n\n\
        id: 8\r\nevent: resync\r\ndata: one\r\ndata:two\r\n\r\n\
        data: 无id\n\n:\n\revent: lost\nid: 9\n\ndata\ndata: x\n\n";

    fn message(id: Option<&str>, event: &str, data: &str) -> Frame {
        Frame::Message {
            id: id.map(str::to_owned),
            event: event.to_owned(),
            data: data.to_owned(),
        }
    }

    fn expected() -> Vec<Frame> {
        vec![
            Frame::Comment("heartbeat".into()),
            message(Some("7"), "pass_used", "{\"a\":1}"),
            message(Some("8"), "resync", "one\ntwo"),
            // The id carries over; no event name is a `message`.
            message(Some("8"), "message", "无id"),
            Frame::Comment(String::new()),
            // No data: not dispatched, but its id stays. An empty data line is a line.
            message(Some("9"), "message", "\nx"),
        ]
    }

    #[test]
    fn reads_messages_comments_and_every_line_ending() {
        let mut reader = SseReader::default();
        assert_eq!(reader.feed(STREAM.as_bytes()), expected());
    }

    #[test]
    fn a_message_without_its_blank_line_is_not_yet_dispatched() {
        let mut reader = SseReader::default();
        assert!(reader.feed(b"id: 1\nevent: x\ndata: y\n").is_empty());
        assert_eq!(reader.feed(b"\n"), vec![message(Some("1"), "x", "y")]);
    }

    proptest! {
        /// However the network cuts the bytes, the same frames come out.
        #[test]
        fn chunking_changes_nothing(cuts in proptest::collection::vec(0..STREAM.len(), 0..12)) {
            let bytes = STREAM.as_bytes();
            let mut cuts = cuts;
            cuts.sort_unstable();
            let mut reader = SseReader::default();
            let mut frames = Vec::new();
            let mut from = 0;
            for cut in cuts.into_iter().chain([bytes.len()]) {
                frames.extend(reader.feed(&bytes[from..cut]));
                from = cut;
            }
            prop_assert_eq!(frames, expected());
        }
    }
}
