//! The rules of support, shared by the platform, the app and the console: what a message
//! and a share may be, and which cases go to the front of the queue.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};

use crate::api::{CaseCategory, FieldError, ItemKind, ItemStatus, QueueEntry, TripView};
use crate::text::Text;

/// The longest message, in characters: a long account of what happened fits; a pasted
/// document does not.
pub const MAX_MESSAGE: usize = 2000;
/// A share lasts this long unless the tourist picks otherwise.
pub const DEFAULT_SHARE: Duration = Duration::hours(72);
/// The longest a share may last.
pub const MAX_SHARE: Duration = Duration::days(30);
/// A departure closer than this makes a case urgent.
pub const URGENT_WITHIN: Duration = Duration::minutes(60);

/// A message as it is kept: trimmed, not empty unless `may_be_empty` (opening a case is one
/// tap), at most [`MAX_MESSAGE`] characters. The error names the field `field`.
pub fn check_message(text: &str, may_be_empty: bool, field: &str) -> Result<String, FieldError> {
    let text = text.trim();
    if text.is_empty() && !may_be_empty {
        return Err(FieldError::new(
            field,
            "消息不能为空",
            "The message is empty",
        ));
    }
    let length = text.chars().count();
    if length > MAX_MESSAGE {
        return Err(FieldError::new(
            field,
            format!("消息最长 {MAX_MESSAGE} 字，现在 {length} 字"),
            format!("A message is at most {MAX_MESSAGE} characters; this one has {length}"),
        ));
    }
    Ok(text.to_owned())
}

/// When a share asked to end at `expires_at` (RFC 3339) ends: after `now` and no more than
/// [`MAX_SHARE`] ahead.
pub fn check_expiry(expires_at: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, FieldError> {
    let Ok(at) = DateTime::parse_from_rfc3339(expires_at) else {
        return Err(FieldError::new(
            "expires_at",
            "到期时间格式不对",
            "The expiry is not a date and time (RFC 3339)",
        ));
    };
    let at = at.to_utc();
    if at <= now {
        return Err(FieldError::new(
            "expires_at",
            "到期时间已经过去",
            "The expiry is in the past",
        ));
    }
    if at > now + MAX_SHARE {
        return Err(FieldError::new(
            "expires_at",
            "分享最长 30 天",
            "A share lasts at most 30 days",
        ));
    }
    Ok(at)
}

/// Why a case goes to the front of the queue, if it does: the party is stuck at a gate, or
/// a departure of its trip leaves within [`URGENT_WITHIN`] of `now` (region-local).
pub fn urgency(
    category: CaseCategory,
    trip: Option<&TripView>,
    now: NaiveDateTime,
) -> Option<Text> {
    if category == CaseCategory::GateRefused {
        return Some(Text::new("闸机拒绝入园", "Refused at a gate"));
    }
    let departure = trip?.items.iter().find(|item| {
        matches!(item.kind, ItemKind::Shuttle { .. })
            && item.status.is_on()
            && item.status != ItemStatus::Used
            && item.start >= now
            && item.start - now <= URGENT_WITHIN
    })?;
    let minutes = (departure.start - now).num_minutes();
    Some(Text::new(
        format!("{minutes} 分钟后发车：{}", departure.title.zh),
        format!("Leaves in {minutes} min: {}", departure.title.en),
    ))
}

/// The queue's order: urgent cases first, then the longest waiting, then the oldest case.
/// The console keeps it when the platform sends it single changed lines.
pub fn queue_order(a: &QueueEntry, b: &QueueEntry) -> std::cmp::Ordering {
    b.urgent
        .is_some()
        .cmp(&a.urgent.is_some())
        .then(a.opened_at.cmp(&b.opened_at))
        .then(a.case_id.cmp(&b.case_id))
}

/// The first words of a message for a list: at most `chars` characters, with an ellipsis
/// when cut.
pub fn preview(text: &str, chars: usize) -> String {
    let mut cut: String = text.chars().take(chars).collect();
    if text.chars().nth(chars).is_some() {
        cut.push('…');
    }
    cut
}

#[cfg(test)]
mod tests {
    // Test code: a failed unwrap is a failed test.
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use chrono::{NaiveDate, TimeZone};

    use super::*;
    use crate::catalog::tests::huangshan;
    use crate::testing;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 7, 14, 8, 0, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn messages_are_trimmed_and_bounded() {
        assert_eq!(
            check_message("  门口进不去  ", false, "text")
                .ok()
                .as_deref(),
            Some("门口进不去")
        );
        let empty = check_message("   ", false, "text").unwrap_err();
        assert_eq!(empty.field, "text");
        assert_eq!(empty.message.en, "The message is empty");
        assert_eq!(check_message("", true, "message").ok().as_deref(), Some(""));
        // Characters, not bytes: 2,000 Chinese characters fit, 2,001 do not.
        assert!(check_message(&"山".repeat(MAX_MESSAGE), false, "text").is_ok());
        let long = check_message(&"a".repeat(10_000), false, "text").unwrap_err();
        assert!(long.message.en.contains("10000"), "{}", long.message.en);
    }

    #[test]
    fn a_share_ends_in_the_future_and_within_thirty_days() {
        let at = |h: i64| (now() + Duration::hours(h)).to_rfc3339();
        assert_eq!(
            check_expiry(&at(72), now()).ok(),
            Some(now() + Duration::hours(72))
        );
        assert_eq!(
            check_expiry(&at(24 * 30), now()).ok(),
            Some(now() + MAX_SHARE)
        );
        for (asked, says) in [
            (at(-1), "The expiry is in the past"),
            (at(0), "The expiry is in the past"),
            (at(24 * 30 + 1), "A share lasts at most 30 days"),
            (
                "tomorrow".to_owned(),
                "The expiry is not a date and time (RFC 3339)",
            ),
        ] {
            let e = check_expiry(&asked, now()).unwrap_err();
            assert_eq!(
                (e.field.as_str(), e.message.en.as_str()),
                ("expires_at", says)
            );
        }
    }

    #[test]
    fn a_gate_refusal_or_a_departure_within_the_hour_is_urgent() {
        let catalog = huangshan();
        let order = testing::confirmed_order(&catalog, 41, testing::family_combo("2026-07-15"));
        let trip = crate::trip::views(std::slice::from_ref(&order), &catalog, None)
            .pop()
            .unwrap();
        let shuttle = trip
            .items
            .iter()
            .find(|i| matches!(i.kind, ItemKind::Shuttle { .. }))
            .unwrap();
        let at = |minutes_before: i64| shuttle.start - Duration::minutes(minutes_before);

        let soon = urgency(CaseCategory::Other, Some(&trip), at(40)).unwrap();
        assert!(soon.en.starts_with("Leaves in 40 min"), "{}", soon.en);
        assert_eq!(urgency(CaseCategory::Other, Some(&trip), at(61)), None);
        assert_eq!(urgency(CaseCategory::Other, Some(&trip), at(-1)), None);
        assert_eq!(urgency(CaseCategory::Booking, None, at(40)), None);
        let day = NaiveDate::from_ymd_opt(2020, 1, 1)
            .unwrap()
            .and_hms_opt(8, 0, 0)
            .unwrap();
        assert_eq!(
            urgency(CaseCategory::GateRefused, None, day).map(|t| t.en),
            Some("Refused at a gate".to_owned())
        );
    }

    #[test]
    fn previews_cut_at_characters() {
        assert_eq!(preview("缆车停了吗", 3), "缆车停…");
        assert_eq!(preview("ok", 3), "ok");
    }

    #[test]
    fn the_queue_puts_urgent_cases_first_then_the_longest_waiting() {
        use crate::api::CaseState;
        let line = |case_id: i64, opened: &str, urgent: bool| QueueEntry {
            case_id,
            category: CaseCategory::Other,
            state: CaseState::Waiting,
            urgent: urgent.then(|| Text::new("急", "urgent")),
            opened_at: format!("2026-07-14T{opened}:00Z"),
            waiting_s: 0,
            agent: None,
            last_message: None,
            unread: 0,
            shared: true,
        };
        let mut queue = [
            line(1, "08:00", false),
            line(2, "09:00", true),
            line(4, "07:00", false),
            line(3, "07:00", false),
        ];
        queue.sort_by(queue_order);
        let ids: Vec<i64> = queue.iter().map(|q| q.case_id).collect();
        assert_eq!(ids, [2, 3, 4, 1]);
    }
}
