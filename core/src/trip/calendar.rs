//! A trip as an iCalendar file (RFC 5545): the app's `.ics` export and the platform's
//! subscribable feed write the same calendar, so a tourist who imports one and subscribes
//! to the other sees each item once.
//!
//! One `VEVENT` per timeline item, its `UID` made from the item's id, which is the same on
//! every rebuild ([`uid`]). Times carry the region's zone (`TZID`), defined in the file by
//! a `VTIMEZONE` of the region's fixed offset. A calendar app updates an event it already
//! has only when `SEQUENCE` grows, so whoever writes the file keeps, per `UID`, the
//! [`fingerprint`] it last wrote and its sequence, and asks [`sequence_after`] for the next.
//! Cancelled and failed items stay in with `STATUS:CANCELLED`, so a calendar that had them
//! marks them off instead of keeping a stale event.
//!
//! Written for the tourist's own calendar: no traveller names, no ID numbers, and of a
//! shuttle's vehicle only its plate (the driver's name and phone stay in the app).

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use icalendar::{
    Calendar, CalendarComponent, CalendarDateTime, Component, Event, EventLike, EventStatus,
};

use crate::api::{ItemKind, ItemStatus, TimelineItem, TripView};
use crate::catalog::Region;
use crate::text::{Lang, Text};

/// How often a subscribed calendar app is asked to look again.
pub const REFRESH: Duration = Duration::minutes(30);

/// The `UID` of an item's event: the item id, unique on the platform (it starts with the
/// order id), under the product's domain.
pub fn uid(item: &TimelineItem) -> String {
    format!("{}@tongyou.app", item.id)
}

/// What an item's event shows, in one string: when it changes, the event changed and its
/// `SEQUENCE` must grow. Both languages, so that switching the app's language is no change.
pub fn fingerprint(item: &TimelineItem) -> String {
    let end = item.end.map(|e| e.to_string()).unwrap_or_default();
    let vehicle = match &item.kind {
        ItemKind::Shuttle {
            vehicle: Some(v), ..
        } => v.plate.as_str(),
        _ => "",
    };
    let note = item.note.as_ref().map(both).unwrap_or_default();
    format!(
        "{}|{end}|{:?}|{}|{}|{vehicle}|{note}",
        item.start,
        item.status,
        both(&item.title),
        both(&item.place),
    )
}

fn both(text: &Text) -> String {
    format!("{}/{}", text.zh, text.en)
}

/// The sequence to write for an event whose last written state was `prior` (its
/// fingerprint and sequence), now showing `fingerprint`: 0 the first time, the same while
/// nothing changed, one more after a change.
pub fn sequence_after(prior: Option<(&str, u32)>, fingerprint: &str) -> u32 {
    match prior {
        None => 0,
        Some((before, sequence)) if before == fingerprint => sequence,
        Some((_, sequence)) => sequence.saturating_add(1),
    }
}

/// The trip as an iCalendar file in `lang`. `sequence` gives each `UID`'s `SEQUENCE` (see
/// [`sequence_after`]); `stamp` is the `DTSTAMP` of every event, the moment it is written.
pub fn ics(
    trip: &TripView,
    region: &Region,
    lang: Lang,
    sequence: impl Fn(&str) -> u32,
    stamp: DateTime<Utc>,
) -> String {
    let zone = zone_id(region);
    let mut calendar = Calendar::empty();
    calendar
        .append_property(("VERSION", "2.0"))
        .append_property(("PRODID", "-//Tongyou//Trip calendar//EN"))
        .append_property(("CALSCALE", "GREGORIAN"))
        .append_property(("METHOD", "PUBLISH"))
        .name(&format!(
            "{} {}–{}",
            region.name.get(lang),
            trip.first_day,
            trip.last_day
        ))
        .timezone(zone.as_str())
        .ttl(&REFRESH);
    calendar.push(vtimezone(&zone, region.utc_offset_minutes));
    for item in &trip.items {
        let uid = uid(item);
        calendar.push(event(item, &uid, sequence(&uid), &zone, lang, stamp));
    }
    calendar.to_string()
}

fn event(
    item: &TimelineItem,
    uid: &str,
    sequence: u32,
    zone: &str,
    lang: Lang,
    stamp: DateTime<Utc>,
) -> Event {
    let at = |t: NaiveDateTime| CalendarDateTime::WithTimezone {
        date_time: t,
        tzid: zone.to_owned(),
    };
    let on = item.status.is_on();
    let title = if on {
        item.title.get(lang).to_owned()
    } else {
        format!(
            "{}{}",
            Text::new("【已取消】", "[Cancelled] ").get(lang),
            item.title.get(lang)
        )
    };
    let mut event = Event::with_uid(uid);
    event
        .summary(&title)
        .starts(at(item.start))
        .location(item.place.get(lang))
        .description(&details(item, lang))
        .sequence(sequence)
        .timestamp(stamp)
        .status(match item.status {
            ItemStatus::Held => EventStatus::Tentative,
            ItemStatus::Confirmed | ItemStatus::Adjusted | ItemStatus::Used => {
                EventStatus::Confirmed
            }
            ItemStatus::Planned => EventStatus::Tentative,
            ItemStatus::Cancelled | ItemStatus::Failed => EventStatus::Cancelled,
        });
    if let Some(end) = item.end {
        event.ends(at(end));
    }
    if let Some(point) = item.location {
        event.add_property("GEO", format!("{:.6};{:.6}", point.lat, point.lon));
    }
    event.done()
}

/// The event's description: what the timeline shows of the item beyond its title and
/// place, one line each.
fn details(item: &TimelineItem, lang: Lang) -> String {
    let t = |zh: &str, en: &str| Text::new(zh, en).get(lang).to_owned();
    let mut lines = Vec::new();
    match &item.kind {
        ItemKind::Entry { gates, .. } => {
            let names: Vec<&str> = gates.iter().map(|g| g.name.get(lang)).collect();
            lines.push(format!(
                "{}{}",
                t("可走入口：", "Gates: "),
                names.join(" · ")
            ));
        }
        ItemKind::Ride { lower, upper, .. } => {
            lines.push(format!("{} – {}", lower.get(lang), upper.get(lang)));
        }
        ItemKind::Shuttle {
            boarding,
            destination,
            seats,
            vehicle,
            ..
        } => {
            lines.push(format!(
                "{}{} → {}",
                t("上车点：", "Board at "),
                boarding.get(lang),
                destination.get(lang)
            ));
            lines.push(format!("{}{seats}", t("座位：", "Seats: ")));
            if let Some(v) = vehicle {
                lines.push(format!("{}{}", t("车牌：", "Vehicle: "), v.plate));
            }
        }
        ItemKind::HotelCheckIn {
            room_type,
            rooms,
            nights,
            address,
            ..
        } => {
            if let Some(room) = room_type {
                lines.push(format!("{} × {rooms}", room.get(lang)));
            }
            lines.push(format!("{}{nights}", t("晚数：", "Nights: ")));
            lines.push(format!("{}{}", t("地址：", "Address: "), address.get(lang)));
        }
        ItemKind::HotelCheckOut { address, .. } => {
            lines.push(format!("{}{}", t("地址：", "Address: "), address.get(lang)));
        }
        ItemKind::Rental { .. } | ItemKind::Visit { .. } => {}
    }
    if item.estimated {
        lines.push(t(
            "时间为估计，未预约时段。",
            "The time is an estimate, not a booked slot.",
        ));
    }
    if !item.what_to_bring.is_empty() {
        let bring: Vec<&str> = item.what_to_bring.iter().map(|b| b.get(lang)).collect();
        lines.push(format!("{}{}", t("请携带：", "Bring: "), bring.join(", ")));
    }
    if let Some(note) = &item.note {
        lines.push(note.get(lang).to_owned());
    }
    lines.join("\n")
}

/// The region's zone name, or one made from its offset (`UTC+08:00`) when the region
/// file names none or a name that is not plain `Area/City` characters.
fn zone_id(region: &Region) -> String {
    let plain = |name: &&String| {
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/_-+".contains(c))
    };
    region
        .time_zone
        .as_ref()
        .filter(plain)
        .cloned()
        .unwrap_or_else(|| {
            let m = region.utc_offset_minutes;
            let sign = if m < 0 { '-' } else { '+' };
            format!(
                "UTC{sign}{:02}:{:02}",
                m.unsigned_abs() / 60,
                m.unsigned_abs() % 60
            )
        })
}

/// `+0800` for 480 minutes east.
fn offset(minutes: i32) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let minutes = minutes.unsigned_abs();
    format!("{sign}{:02}{:02}", minutes / 60, minutes % 60)
}

/// The zone as a `VTIMEZONE`: one standard time at the region's fixed offset, which is
/// what a region without daylight saving is. The crate writes no time zones, but it reads
/// them: the definition is parsed into a component, not pasted into the output. `zone` is
/// plain characters ([`zone_id`]), so the definition always parses.
fn vtimezone(zone: &str, minutes: i32) -> CalendarComponent {
    let offset = offset(minutes);
    let definition = format!(
        "BEGIN:VTIMEZONE\r\nTZID:{zone}\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n\
         TZOFFSETFROM:{offset}\r\nTZOFFSETTO:{offset}\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
    );
    definition
        .parse()
        .unwrap_or_else(|e: String| unreachable!("a fixed VTIMEZONE parses: {e}"))
}
