//! The reminders a device schedules for a trip: a set time before each booked start, and
//! the day's plan each morning.

use chrono::{Datelike, Duration, NaiveDateTime, NaiveTime};

use super::Timeline;
use crate::api::{ItemKind, ItemStatus, Reminder, ReminderKind, TimelineItem};
use crate::text::Text;

/// The reminders still to come after `now` (region-local), earliest first:
///
/// - `lead` before each entry slot, shuttle departure and hotel check-in that is booked
///   (confirmed or adjusted: not held, whose order may still lapse; not used, cancelled
///   or failed), and before each sight the tourist added to a day at the time they chose.
///   Rides and rentals have no booked time to remind of.
/// - At `morning` on each day from the trip's first item that is on to its last, the
///   day's plan.
///
/// Ids are `{item id}/lead` and `{region}-{YYYY-MM-DD}/morning`: the same whenever the
/// reminders are rebuilt, also when an item's time moves, so a device reschedules by id
/// and cancels the ids that are gone.
pub fn reminders(
    timeline: &Timeline,
    lead: Duration,
    morning: NaiveTime,
    now: NaiveDateTime,
) -> Vec<Reminder> {
    let mut all: Vec<Reminder> = timeline
        .items
        .iter()
        .filter(|i| reminded(i))
        .map(|i| before(i, lead))
        .collect();
    all.extend(timeline.days().into_iter().map(|day| {
        let of_day: Vec<&TimelineItem> = timeline
            .items
            .iter()
            .filter(|i| i.status.is_on() && i.start.date() == day)
            .collect();
        Reminder {
            id: format!("{}-{day}/morning", timeline.region_id),
            kind: ReminderKind::Morning,
            item_id: None,
            at: day.and_time(morning),
            title: Text::new(
                format!("{}月{}日行程", day.month(), day.day()),
                format!("Your plan for {}", day.format("%-d %B")),
            ),
            body: summary(&of_day),
        }
    }));
    all.retain(|r| r.at > now);
    all.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
    all
}

fn reminded(item: &TimelineItem) -> bool {
    match item.kind {
        ItemKind::Entry { .. } | ItemKind::Shuttle { .. } | ItemKind::HotelCheckIn { .. } => {
            matches!(item.status, ItemStatus::Confirmed | ItemStatus::Adjusted)
        }
        ItemKind::Visit { .. } => item.status == ItemStatus::Planned,
        _ => false,
    }
}

fn before(item: &TimelineItem, lead: Duration) -> Reminder {
    let time = item.start.format("%H:%M");
    let mut zh: Vec<String> = Vec::new();
    let mut en: Vec<String> = Vec::new();
    match &item.kind {
        ItemKind::Entry { .. } => {
            zh.push(format!("在{}检票入园", item.place.zh));
            en.push(format!("Enter at {}", item.place.en));
        }
        ItemKind::Shuttle {
            boarding, vehicle, ..
        } => {
            zh.push(format!("在{}上车", boarding.zh));
            en.push(format!("Board at {}", boarding.en));
            if let Some(v) = vehicle {
                zh.push(format!(
                    "车牌{}，司机{}（{}）",
                    v.plate, v.driver, v.driver_phone
                ));
                en.push(format!(
                    "Plate {}, driver {} ({})",
                    v.plate, v.driver, v.driver_phone
                ));
            }
        }
        ItemKind::HotelCheckIn { address, .. } => {
            zh.push(address.zh.clone());
            en.push(address.en.clone());
        }
        ItemKind::Visit { .. } => {
            zh.push(format!("前往{}（你加入行程的景点）", item.place.zh));
            en.push(format!("Head for {} (added to your day)", item.place.en));
        }
        _ => {}
    }
    if !item.what_to_bring.is_empty() {
        let list = |pick: fn(&Text) -> &str, sep: &str| {
            item.what_to_bring
                .iter()
                .map(pick)
                .collect::<Vec<_>>()
                .join(sep)
        };
        zh.push(format!("请带好：{}", list(|t| &t.zh, "、")));
        en.push(format!("Bring: {}", list(|t| &t.en, "; ")));
    }
    Reminder {
        id: format!("{}/lead", item.id),
        kind: ReminderKind::Lead,
        item_id: Some(item.id.clone()),
        at: item.start - lead,
        title: Text::new(
            format!("{time} {}", item.title.zh),
            format!("{time} {}", item.title.en),
        ),
        body: Text::new(zh.join("。") + "。", en.join(". ") + "."),
    }
}

/// "06:00 入园（06:00–09:00）；约07:10 云谷索道（上行）" — estimated times marked.
fn summary(items: &[&TimelineItem]) -> Text {
    if items.is_empty() {
        return Text::new("今天没有预订的项目。", "Nothing booked today.");
    }
    let line = |i: &&TimelineItem, about: &str, title: &str| {
        let about = if i.estimated { about } else { "" };
        format!("{about}{} {title}", i.start.format("%H:%M"))
    };
    let zh: Vec<String> = items.iter().map(|i| line(i, "约", &i.title.zh)).collect();
    let en: Vec<String> = items.iter().map(|i| line(i, "c. ", &i.title.en)).collect();
    Text::new(zh.join("；"), en.join("; "))
}
