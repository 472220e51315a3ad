//! The queue as the page holds it, kept from the stream's messages: the whole queue at
//! each connection, then only the lines that changed and the cases that left. It says
//! which cases have news, so an open case is read again only when something in it moved.
//! Pure: no browser, no signals.

use tongyou_core::api::{QueueChanges, QueueEntry};
use tongyou_core::support::queue_order;

/// One line, with the moment (browser clock, ms) its `waiting_s` was true.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub entry: QueueEntry,
    pub heard_ms: f64,
}

impl Line {
    /// Seconds the case has waited at `now_ms`, counted from what the platform said: the
    /// browser's clock may be off, but it runs at the right speed.
    pub fn waiting_s(&self, now_ms: f64) -> i64 {
        // Whole seconds of a clock difference: the cast cannot overflow.
        #[allow(clippy::cast_possible_truncation)]
        let since = ((now_ms - self.heard_ms) / 1000.0).max(0.0) as i64;
        self.entry.waiting_s + since
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LiveQueue {
    lines: Vec<Line>,
}

impl LiveQueue {
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    pub fn line(&self, case_id: i64) -> Option<&Line> {
        self.lines.iter().find(|l| l.entry.case_id == case_id)
    }

    /// The whole queue, as a new connection sends it. Returns the cases with news, the
    /// ones that left among them.
    pub fn replace(&mut self, entries: Vec<QueueEntry>, now_ms: f64) -> Vec<i64> {
        let mut news: Vec<i64> = entries
            .iter()
            .filter(|e| has_news(self.line(e.case_id).map(|l| &l.entry), e))
            .map(|e| e.case_id)
            .collect();
        news.extend(
            self.lines
                .iter()
                .map(|l| l.entry.case_id)
                .filter(|id| !entries.iter().any(|e| e.case_id == *id)),
        );
        self.lines = entries
            .into_iter()
            .map(|entry| Line {
                entry,
                heard_ms: now_ms,
            })
            .collect();
        self.lines.sort_by(|a, b| queue_order(&a.entry, &b.entry));
        news
    }

    /// The lines that changed and the cases that left. Returns the cases with news.
    pub fn apply(&mut self, changes: QueueChanges, now_ms: f64) -> Vec<i64> {
        let mut news = Vec::new();
        self.lines
            .retain(|l| !changes.left.contains(&l.entry.case_id));
        news.extend(changes.left.iter().copied());
        for entry in changes.lines {
            if has_news(self.line(entry.case_id).map(|l| &l.entry), &entry) {
                news.push(entry.case_id);
            }
            let line = Line {
                entry,
                heard_ms: now_ms,
            };
            match self
                .lines
                .iter_mut()
                .find(|l| l.entry.case_id == line.entry.case_id)
            {
                Some(held) => *held = line,
                None => self.lines.push(line),
            }
        }
        self.lines.sort_by(|a, b| queue_order(&a.entry, &b.entry));
        news
    }
}

/// Whether a line's change means the case itself changed: a new message, a new holder,
/// a state or urgency. An agent reading it (the unread count falling) or the clock
/// moving is not news.
fn has_news(before: Option<&QueueEntry>, after: &QueueEntry) -> bool {
    let Some(before) = before else {
        return true;
    };
    let same_but_counts = QueueEntry {
        waiting_s: after.waiting_s,
        unread: after.unread,
        ..before.clone()
    };
    same_but_counts != *after || after.unread > before.unread
}

#[cfg(test)]
mod tests {
    use tongyou_core::api::{CaseCategory, CaseState};
    use tongyou_core::text::Text;

    use super::*;

    fn entry(case_id: i64, opened: &str) -> QueueEntry {
        QueueEntry {
            case_id,
            category: CaseCategory::Booking,
            state: CaseState::Waiting,
            urgent: None,
            opened_at: format!("2026-07-15T{opened}:00Z"),
            waiting_s: 60,
            agent: None,
            last_message: Some("hello".into()),
            unread: 1,
            shared: true,
        }
    }

    fn ids(queue: &LiveQueue) -> Vec<i64> {
        queue.lines().iter().map(|l| l.entry.case_id).collect()
    }

    #[test]
    fn single_lines_take_their_place_urgent_first() {
        let mut queue = LiveQueue::default();
        let news = queue.replace(vec![entry(1, "08:00"), entry(2, "08:05")], 0.0);
        assert_eq!(news, [1, 2]);
        let urgent = QueueEntry {
            urgent: Some(Text::new("闸机拒绝", "Refused at a gate")),
            ..entry(3, "09:00")
        };
        let news = queue.apply(
            QueueChanges {
                lines: vec![urgent, entry(4, "07:00")],
                left: vec![1],
            },
            1000.0,
        );
        assert_eq!(ids(&queue), [3, 4, 2]);
        assert_eq!(news, [1, 3, 4]);
    }

    #[test]
    fn reading_a_case_is_not_news_but_a_message_is() {
        let mut queue = LiveQueue::default();
        queue.replace(vec![entry(1, "08:00")], 0.0);
        let read = QueueEntry {
            unread: 0,
            waiting_s: 120,
            ..entry(1, "08:00")
        };
        let news = queue.apply(
            QueueChanges {
                lines: vec![read],
                left: vec![],
            },
            0.0,
        );
        assert!(news.is_empty());
        assert_eq!(queue.line(1).map(|l| l.entry.unread), Some(0));
        let said = QueueEntry {
            last_message: Some("are you there?".into()),
            ..entry(1, "08:00")
        };
        let news = queue.apply(
            QueueChanges {
                lines: vec![said],
                left: vec![],
            },
            0.0,
        );
        assert_eq!(news, [1]);
        // A new connection's whole queue: a case gone from it has news too.
        assert_eq!(queue.replace(vec![], 0.0), [1]);
    }

    #[test]
    fn waiting_grows_with_the_browser_clock() {
        let line = Line {
            entry: entry(1, "08:00"),
            heard_ms: 10_000.0,
        };
        assert_eq!(line.waiting_s(10_000.0), 60);
        assert_eq!(line.waiting_s(70_500.0), 120);
        assert_eq!(line.waiting_s(0.0), 60, "a clock set back adds nothing");
    }
}
