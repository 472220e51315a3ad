//! The trip's timeline in the app window: a booked combo as one timeline with each item's
//! state, a change made on the platform showing on the open timeline without a restart,
//! the timeline still there, "as of" the last word, with the platform gone, and, on the
//! trip day itself (the app's clock set by `--dev-clock`), a reminder with no network.
//! Each item opens the guide where it happens, and a sight goes onto the day from its
//! guide card.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use tongyou_client::PlatformClient;
use tongyou_core::api::Vehicle;
use tongyou_e2e::{
    Env, click, open_app_with, resize, screenshot, scroll_to, texts, wait_for_attr, wait_for_text,
    wait_gone,
};

use crate::booking::{book_tangkou_combo, find, ready_to_book};
use crate::console::paste;

const KINDS: [&str; 5] = [
    "shuttle",
    "entry",
    "ride",
    "hotel_check_in",
    "hotel_check_out",
];

/// The value of the input `css` once it has one.
async fn wait_for_value(app: &fantoccini::Client, css: &str) -> String {
    let deadline = Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let value = match find(app, css).await.prop("value").await {
            Ok(Some(v)) => v,
            _ => String::new(),
        };
        if !value.is_empty() {
            return value;
        }
        assert!(Instant::now() < deadline, "`{css}` stayed empty");
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    }
}

#[tokio::test]
async fn the_timeline_follows_the_platform_and_reads_offline() {
    let env = Env::from_env();
    let dir = tempfile::tempdir().unwrap();
    let (platform, app) = ready_to_book(&env, dir.path(), "王五").await;
    book_tangkou_combo(&app).await;
    let order_id: i64 = find(&app, "[data-test=order]")
        .await
        .attr("data-id")
        .await
        .unwrap()
        .unwrap()
        .parse()
        .unwrap();

    // One timeline: every booked thing, each confirmed, the shuttle without a vehicle yet.
    click(&app, "[data-test=nav-trip]").await;
    for kind in KINDS {
        wait_for_attr(
            &app,
            &format!("[data-test=trip-item][data-kind={kind}]"),
            "data-status",
            "confirmed",
        )
        .await;
    }
    wait_for_attr(&app, "[data-test=now-next]", "data-phase", "not_started").await;
    // Each item opens the guide where it happens: the boarding point, the gate, the
    // station, the hotel; Back returns to the timeline.
    let mut places = Vec::new();
    for kind in KINDS {
        let css = format!("[data-test=trip-item][data-kind={kind}] [data-test=item-guide]");
        let poi = find(&app, &css).await.attr("data-poi").await.unwrap();
        places.push(poi.unwrap_or_default());
    }
    assert_eq!(places[0], "tangkou-shuttle", "{places:?}");
    assert!(places.iter().all(|p| !p.is_empty()), "{places:?}");
    click(
        &app,
        "[data-test=trip-item][data-kind=entry] [data-test=item-guide]",
    )
    .await;
    wait_for_attr(&app, "main", "data-tab", "guide").await;
    let address = app.current_url().await.unwrap();
    assert_eq!(address.path(), format!("/guide/{}", places[1]));
    app.back().await.unwrap();
    wait_for_attr(&app, "main", "data-tab", "trip").await;
    add_a_sight_to_the_day(&env, &app, &places[1]).await;
    let shuttle = "[data-test=trip-item][data-kind=shuttle] [data-test=item-detail-line]";
    let lines = texts(&app, shuttle).await;
    assert!(
        lines.iter().any(|l| l.contains("出发前一晚")),
        "no vehicle yet: {lines:?}"
    );
    // No walk is drawn in this combo: the shuttle, the gate and the lift are at one place,
    // and the hotel down in Tangkou is farther than anyone walks (core tests the legs).
    screenshot(&env, &app, "trip-zh-phone").await;
    resize(&app, 1280, 800).await;
    screenshot(&env, &app, "trip-zh-desktop").await;
    click(&app, "[data-test=lang-en]").await;
    wait_for_text(&app, "[data-test=trip] h1", |t| t == "My trip").await;
    screenshot(&env, &app, "trip-en-desktop").await;
    resize(&app, 390, 844).await;
    screenshot(&env, &app, "trip-en-phone").await;
    click(&app, "[data-test=lang-zh]").await;

    // The transport module assigns the vehicle: the open timeline shows it, live.
    let vehicle = Vehicle {
        plate: "皖J·12345".into(),
        driver: "王师傅".into(),
        driver_phone: "13900001111".into(),
    };
    let assigned = Instant::now();
    PlatformClient::new(&platform.url)
        .unwrap()
        .dev_assign_vehicle(order_id, None, &vehicle)
        .await
        .unwrap();
    let assigned_css = "[data-test=trip-item][data-kind=shuttle] [data-vehicle=assigned]";
    wait_for_text(&app, assigned_css, |_| true).await;
    eprintln!(
        "a vehicle assigned on the platform showed on the open timeline after {:?}",
        assigned.elapsed()
    );
    let lines = texts(&app, shuttle).await;
    assert!(
        lines
            .iter()
            .any(|l| l.contains("皖J·12345") && l.contains("13900001111")),
        "{lines:?}"
    );
    scroll_to(&app, assigned_css).await;
    screenshot(&env, &app, "trip-vehicle-zh-phone").await;

    // A subscription link: what a calendar app reads there is the trip, and a stopped
    // link reads nothing.
    click(&app, "[data-test=subscribe-feed]").await;
    let url = wait_for_value(&app, "[data-test=feed-url]").await;
    let path = format!("/api/{}", url.split_once("/api/").unwrap().1);
    let platform_client = PlatformClient::new(&platform.url).unwrap();
    let feed =
        tongyou_core::testing::calendar_events(&platform_client.calendar(&path).await.unwrap());
    assert!(feed.len() >= KINDS.len(), "{feed:?}");
    scroll_to(&app, "[data-test=calendar]").await;
    screenshot(&env, &app, "trip-calendar-zh-phone").await;
    click(&app, "[data-test=end-feed]").await;
    wait_for_text(&app, "[data-test=feed-said]", |t| t.contains("已停止")).await;
    assert!(
        platform_client.calendar(&path).await.is_err(),
        "a stopped link reads nothing"
    );

    // The platform gone: the same timeline, as of when the device last heard.
    platform.stop();
    wait_for_attr(&app, "[data-test=net-badge]", "data-state", "offline").await;
    wait_for_text(&app, "[data-test=trip-as-of]", |t| t.contains("截至")).await;
    for kind in KINDS {
        find(&app, &format!("[data-test=trip-item][data-kind={kind}]")).await;
    }
    scroll_to(&app, "body").await;
    screenshot(&env, &app, "trip-offline-zh-phone").await;

    // Offline, the trip still goes into a calendar: the file is written on the device.
    click(&app, "[data-test=export-ics]").await;
    let saved = find(&app, "[data-test=ics-saved]").await;
    let file = saved.attr("data-path").await.unwrap().unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    let events = tongyou_core::testing::calendar_events(&text);
    // The booked things as in the feed, and the sight taken off the day earlier, written
    // cancelled so a calendar that had it drops it (the feed never had it).
    let (visits, booked): (Vec<_>, Vec<_>) =
        events.iter().partition(|e| e["UID"].starts_with("visit-"));
    assert_eq!(booked.len(), feed.len(), "the file holds the feed's events");
    assert_eq!(visits.len(), 1, "{visits:?}");
    assert_eq!(visits[0]["STATUS"], "CANCELLED");
    for part in ["-shuttle-", "-entry", "-ride-", "-hotel-in", "-hotel-out"] {
        assert!(
            events.iter().any(|e| e["UID"].contains(part)),
            "no {part} event in {events:?}"
        );
    }
    assert!(events.iter().all(|e| e["DTSTART;TZID"] == "Asia/Shanghai"));
    assert!(text.contains("皖J·12345") && !text.contains("13900001111"));
    app.close().await.unwrap();

    // The trip day, 55 minutes before check-in, still with no network: the app opens on the
    // trip under way, and the check-in reminder (due an hour before) shows as the banner.
    let check_in = events
        .iter()
        .find(|e| e["UID"].contains("-hotel-in"))
        .map(|e| e["DTSTART"].clone())
        .unwrap();
    let check_in = chrono::NaiveDateTime::parse_from_str(&check_in, "%Y%m%dT%H%M%S").unwrap();
    let clock = (check_in - chrono::Duration::minutes(55))
        .and_local_timezone(chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .unwrap()
        .to_rfc3339();
    let app = open_app_with(
        &env,
        "http://127.0.0.1:9",
        &dir.path().join("device"),
        &["--dev-clock", &clock],
    )
    .await;
    resize(&app, 390, 844).await;
    wait_for_attr(&app, "[data-test=now-next]", "data-phase", "under_way").await;
    let banner = find(&app, "[data-test=reminder-banner]").await;
    let id = banner.attr("data-id").await.unwrap().unwrap();
    assert!(id.contains("-hotel-in"), "the check-in reminder, not {id}");
    let said = banner.text().await.unwrap();
    let item = banner.attr("data-item").await.unwrap().unwrap();
    assert!(said.contains("入住"), "{said}");
    screenshot(&env, &app, "trip-reminder-zh-phone").await;
    // A tap on the banner opens its item on the timeline, and the banner goes.
    click(&app, "[data-test=reminder-banner] button.link").await;
    tongyou_e2e::wait_gone(&app, "[data-test=reminder-banner]").await;
    find(
        &app,
        &format!("[data-test=trip-item].open[data-id='{item}']"),
    )
    .await;
    resize(&app, 1280, 800).await;
    screenshot(&env, &app, "trip-under-way-zh-desktop").await;
    app.close().await.unwrap();
}

/// From the trip's entry gate in the guide: the pack downloaded, then 莲花峰's card puts
/// the sight on the day. A time after its last start is refused under the field with the
/// typed time kept; a good one puts the visit on the timeline, which takes it off again.
async fn add_a_sight_to_the_day(env: &Env, app: &fantoccini::Client, gate: &str) {
    click(
        app,
        "[data-test=trip-item][data-kind=entry] [data-test=item-guide]",
    )
    .await;
    click(app, "[data-test=guide-get]").await;
    wait_for_attr(app, "[data-test=guide-progress]", "data-state", "done").await;
    wait_for_attr(app, "[data-test=poi-card]", "data-poi", gate).await;
    screenshot(env, app, "guide-gate-card-zh-phone").await;

    let mut lotus = app.current_url().await.unwrap();
    lotus.set_path("/guide/lotus-peak");
    app.goto(lotus.as_str()).await.unwrap();
    wait_for_text(app, "[data-test=poi-name]", |t| t == "莲花峰").await;
    click(app, "[data-test=add-to-day]").await;
    wait_for_text(app, "[data-test=visit-hint]", |t| t.contains("07:00–16:00")).await;
    paste(app, "[data-test=visit-time]", "15:00").await;
    click(app, "[data-test=add-visit]").await;
    wait_for_text(app, "[data-test=field-error][data-field=time]", |t| {
        t.contains("14:00 前开始")
    })
    .await;
    let kept = find(app, "[data-test=visit-time]")
        .await
        .prop("value")
        .await;
    assert_eq!(
        kept.unwrap().as_deref(),
        Some("15:00"),
        "the typed time stays"
    );
    scroll_to(app, "[data-test=visit-form]").await;
    screenshot(env, app, "guide-add-to-day-zh-phone").await;
    // The same refusal in English, on a desktop.
    click(app, "[data-test=lang-en]").await;
    wait_for_text(app, "[data-test=field-error][data-field=time]", |t| {
        t.contains("start by 14:00")
    })
    .await;
    resize(app, 1280, 800).await;
    screenshot(env, app, "guide-add-to-day-en-desktop").await;
    resize(app, 390, 844).await;
    click(app, "[data-test=lang-zh]").await;

    paste(app, "[data-test=visit-time]", "10:30").await;
    click(app, "[data-test=add-visit]").await;
    find(app, "[data-test=on-my-day]").await;
    click(app, "[data-test=see-visit]").await;
    wait_for_attr(app, "main", "data-tab", "trip").await;
    let visit = "[data-test=trip-item][data-kind=visit]";
    let item = wait_for_attr(app, visit, "data-status", "planned").await;
    assert!(
        item.text().await.unwrap().contains("10:30"),
        "at the chosen time"
    );
    let guide_link = format!("{visit} [data-test=item-guide]");
    let poi = find(app, &guide_link).await.attr("data-poi").await.unwrap();
    assert_eq!(poi.as_deref(), Some("lotus-peak"));
    scroll_to(app, visit).await;
    screenshot(env, app, "trip-visit-zh-phone").await;
    click(app, &format!("{visit} [data-test=item-remove-visit]")).await;
    wait_gone(app, visit).await;
}
