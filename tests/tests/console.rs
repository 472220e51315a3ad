//! The agents' console in a normal browser (Chromium), served by the platform at
//! `/console/`: an agent signs in (a wrong password first), sees a tourist's case arrive
//! in the live queue, claims it, reads the shared trip with its passes, answers with a
//! canned reply, a typed message and a place, and follows the tourist's side live — a new
//! message, a storm's ways out applied for them, then the share ended — with no reload.
//! The tourist acts through the API.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Days, Utc};
use fantoccini::{Client, Locator};
use tongyou_client::PlatformClient;
use tongyou_core::api::{
    Author, CaseCategory, CaseRequest, Combo, DisruptionKind, DisruptionRequest, HotelStay, IdKind,
    OrderRequest, OrderTraveller, PaymentMethod, ShuttleSeat, Text, TravellerInput,
};
use tongyou_core::catalog::GeoPoint;
use tongyou_e2e::{
    Env, Platform, TEST_GATE_STAFF, click, open_browser, resize, screenshot, scroll_to, texts,
    wait_for_attr, wait_for_text, wait_gone,
};

use crate::booking::{find, type_into, value_of};

const TOURIST_MOBILE: &str = "13800138700";

/// A tourist signed in through the API, with one booked combo: the session and its trip.
pub(crate) struct Tourist {
    pub client: PlatformClient,
    pub token: String,
    pub trip_id: String,
}

pub(crate) async fn booked_tourist(url: &str, mobile: &str) -> Tourist {
    let client = PlatformClient::new(url).unwrap();
    client.request_code(mobile).await.unwrap();
    let code = client.dev_sign_in_code(mobile).await.unwrap();
    let token = client.sign_in(mobile, &code).await.unwrap().token;
    let traveller = client
        .add_traveller(
            &token,
            &TravellerInput {
                name: "张三".into(),
                id_kind: IdKind::ResidentId,
                id_number: "110105198912310028".into(),
                birth_date: None,
                consent: Some(tongyou_core::privacy::NOTICE_VERSION.into()),
            },
        )
        .await
        .unwrap();
    let combo = Combo {
        region_id: "huangshan".into(),
        date: (Utc::now().date_naive() + Days::new(7)).to_string(),
        slot_id: Some("morning".into()),
        add_ons: vec!["yungu".into(), "audio-guide".into()],
        hotel: Some(HotelStay {
            hotel_id: "tangkou-shanshui-hotel".into(),
            room_type_id: "family".into(),
            rooms: 1,
            nights: 1,
        }),
        shuttles: vec![ShuttleSeat {
            line_id: "tangkou-yungu".into(),
            departure: "07:00".parse().unwrap(),
        }],
    };
    let order = client
        .place_order(
            &token,
            "console-e2e-order",
            &OrderRequest {
                combo,
                travellers: vec![OrderTraveller {
                    traveller_id: traveller.id,
                    student: false,
                }],
                payment: PaymentMethod::Wallet,
            },
        )
        .await
        .unwrap();
    Tourist {
        client,
        token,
        trip_id: format!("huangshan-{}", order.id),
    }
}

/// Sets a field's value as pasting would, with the `input` event the page listens to.
/// An operator closes the whole region for `date` (a storm), through the API.
async fn storm_on(url: &str, date: chrono::NaiveDate) {
    let operator = PlatformClient::new(url).unwrap();
    operator.request_code(TEST_GATE_STAFF).await.unwrap();
    let code = operator.dev_sign_in_code(TEST_GATE_STAFF).await.unwrap();
    let token = operator
        .sign_in(TEST_GATE_STAFF, &code)
        .await
        .unwrap()
        .token;
    let next_day = date + Days::new(1);
    operator
        .post_disruption(
            &token,
            &DisruptionRequest {
                region_id: "huangshan".into(),
                kind: DisruptionKind::AreaClosed,
                from: format!("{date}T00:00"),
                to: format!("{next_day}T00:00"),
                reason: Text::new("暴雨预警", "A storm warning"),
            },
        )
        .await
        .unwrap();
}

pub(crate) async fn paste(browser: &Client, css: &str, text: &str) {
    browser
        .execute(
            "const e = document.querySelector(arguments[0]); e.value = arguments[1]; \
             e.dispatchEvent(new Event('input', {bubbles: true}));",
            vec![serde_json::json!(css), serde_json::json!(text)],
        )
        .await
        .unwrap();
}

async fn scroll_top(browser: &Client) {
    browser
        .execute("window.scrollTo(0, 0);", vec![])
        .await
        .unwrap();
}

#[tokio::test]
async fn an_agent_works_a_shared_trip_case_live_from_the_console() {
    let env = Env::from_env();
    let dir = tempfile::tempdir().unwrap();
    let platform = Platform::start(&env, &dir.path().join("platform.db")).await;
    let tourist = booked_tourist(&platform.url, TOURIST_MOBILE).await;
    let case = tourist
        .client
        .open_case(
            &tourist.token,
            "console-e2e-case",
            &CaseRequest {
                category: CaseCategory::Booking,
                message: "酒店说没有我们的房间".into(),
                trip_id: Some(tourist.trip_id.clone()),
                item: None,
                location: Some(GeoPoint {
                    lat: 30.1336,
                    lon: 118.1675,
                }),
                asked_at: None,
            },
        )
        .await
        .unwrap();
    let share_id = case.share_id.expect("the case shares the trip");
    let line = format!("[data-test=queue-line][data-case=\"{}\"]", case.id);

    // Sign in: a wrong password is refused with the platform's words, nothing typed lost.
    let browser = open_browser(&env, &dir.path().join("chromium-profile")).await;
    browser
        .goto(&format!("{}/console/cases/{}", platform.url, case.id))
        .await
        .unwrap();
    click(&browser, "[data-test=lang-zh]").await;
    wait_for_text(&browser, "[data-test=signin] h1", |t| t == "客服登录").await;
    type_into(&browser, "[data-test=signin-login]", "agent").await;
    type_into(&browser, "[data-test=signin-password]", "not-the-password").await;
    click(&browser, "[data-test=signin-submit]").await;
    wait_for_text(&browser, "[data-test=error]", |t| {
        t.contains("登录失败") && t.contains("wrong login or password")
    })
    .await;
    assert_eq!(
        value_of(&browser, "[data-test=signin-login]").await,
        "agent"
    );
    assert_eq!(
        value_of(&browser, "[data-test=signin-password]").await,
        "not-the-password"
    );
    screenshot(&env, &browser, "console-signin-refused-zh").await;
    type_into(
        &browser,
        "[data-test=signin-password]",
        "demo-agent-password",
    )
    .await;
    click(&browser, "[data-test=signin-submit]").await;
    wait_for_attr(&browser, "[data-test=stream-state]", "data-state", "live").await;

    // The case waits in the live queue with its category, the tourist's words, one unread.
    wait_for_text(
        &browser,
        &format!("{line} [data-test=queue-category]"),
        |t| t == "预订问题",
    )
    .await;
    wait_for_text(
        &browser,
        &format!("{line} [data-test=queue-preview]"),
        |t| t.contains("酒店说没有我们的房间"),
    )
    .await;
    wait_for_text(&browser, &format!("{line} [data-test=queue-unread]"), |t| {
        t == "1"
    })
    .await;
    wait_for_text(&browser, &format!("{line} [data-test=queue-agent]"), |t| {
        t == "未认领"
    })
    .await;
    // The URL asked for the case, which is not the agent's yet: the page says why.
    wait_for_text(&browser, "[data-test=case] [data-test=error]", |t| {
        t.contains("没有权限")
    })
    .await;
    click(&browser, "[data-test=failed-back]").await;
    find(&browser, "[data-test=pick-case]").await;
    screenshot(&env, &browser, "console-queue-zh").await;

    // Claim it: it opens beside the queue with the trip, every item's state and the passes.
    click(&browser, &format!("{line} [data-test=claim]")).await;
    wait_for_text(&browser, "[data-test=case-agent]", |t| t == "小林 Lin").await;
    find(&browser, "[data-test=case-trip]").await;
    for kind in ["entry", "shuttle", "hotel_check_in"] {
        wait_for_attr(
            &browser,
            &format!("[data-test=trip-item][data-kind={kind}]"),
            "data-status",
            "confirmed",
        )
        .await;
    }
    let items = texts(&browser, "[data-test=trip-item]").await;
    assert!(items.len() >= 5, "{items:?}");
    assert!(items.iter().any(|i| i.contains("已确认")), "{items:?}");
    find(
        &browser,
        "[data-test=pass][data-state=valid] [data-test=reissue]",
    )
    .await;
    let passes = texts(&browser, "[data-test=pass]").await;
    assert!(
        !passes.is_empty() && passes.iter().all(|p| p.contains("未使用")),
        "{passes:?}"
    );
    find(&browser, "[data-test=map] [data-test=map-location]").await;
    find(&browser, "[data-test=map] [data-test=map-item]").await;
    wait_for_text(&browser, &format!("{line} [data-test=queue-agent]"), |t| {
        t == "小林 Lin"
    })
    .await;
    wait_gone(&browser, &format!("{line} [data-test=queue-unread]")).await;

    // A canned reply, then an empty message and one too long (refused, the text kept), then
    // a typed one, then a place from the trip.
    click(&browser, "[data-test=canned][data-key=greeting]").await;
    assert!(
        value_of(&browser, "[data-test=chat-input]")
            .await
            .contains("您好，我是通游客服")
    );
    click(&browser, "[data-test=chat-send]").await;
    wait_for_text(
        &browser,
        "[data-test=chat-message][data-author=agent]",
        |t| t.contains("您好，我是通游客服"),
    )
    .await;
    assert_eq!(value_of(&browser, "[data-test=chat-input]").await, "");
    click(&browser, "[data-test=chat-send]").await;
    wait_for_text(&browser, "[data-test=composer] [data-test=error]", |t| {
        t == "消息不能为空"
    })
    .await;
    let long = "山".repeat(2001);
    paste(&browser, "[data-test=chat-input]", &long).await;
    click(&browser, "[data-test=chat-send]").await;
    wait_for_text(&browser, "[data-test=composer] [data-test=error]", |t| {
        t.contains("2000") && t.contains("2001")
    })
    .await;
    assert_eq!(
        value_of(&browser, "[data-test=chat-input]")
            .await
            .chars()
            .count(),
        2001,
        "a refused message keeps its text"
    );
    let typed = "已为您联系酒店，请稍等";
    type_into(&browser, "[data-test=chat-input]", typed).await;
    click(&browser, "[data-test=chat-send]").await;
    wait_for_text(
        &browser,
        "[data-test=chat-message][data-author=agent]",
        |t| t.contains(typed),
    )
    .await;
    click(&browser, "[data-test=send-place]").await;
    let place = find(&browser, "[data-test=place-option][data-source=trip]").await;
    let poi = place.attr("data-poi").await.unwrap().unwrap();
    find(&browser, "[data-test=place-option][data-source=region]").await;
    screenshot(&env, &browser, "console-place-picker-zh").await;
    place.click().await.unwrap();
    let link = format!("tongyou://place/{poi}");
    wait_for_text(
        &browser,
        "[data-test=chat-message][data-author=agent]",
        |t| t.contains(&link),
    )
    .await;

    // The tourist has all three.
    let seen = tourist.client.case(&tourist.token, case.id).await.unwrap();
    let from_agent: Vec<&str> = seen
        .messages
        .iter()
        .filter(|m| m.author == Author::Agent)
        .map(|m| m.text.as_str())
        .collect();
    assert_eq!(from_agent.len(), 3, "{from_agent:?}");
    assert!(
        from_agent[0].starts_with("您好，我是通游客服"),
        "{from_agent:?}"
    );
    assert_eq!(from_agent[1], typed);
    assert!(from_agent[2].contains(&link) && from_agent[2].starts_with("地点："));
    assert_eq!(seen.agent.as_deref(), Some("小林 Lin"));

    // The tourist writes back: it shows on the open case without a reload.
    tourist
        .client
        .say(&tourist.token, case.id, "谢谢，我们在南大门等")
        .await
        .unwrap();
    wait_for_text(
        &browser,
        "[data-test=chat-message][data-author=tourist]",
        |t| t.contains("谢谢，我们在南大门等"),
    )
    .await;

    // Refunds: each option says its rule and amount; picking one asks before anything is
    // done (the refund itself is the two-client story's, `support.rs`).
    click(&browser, "[data-test=refund-show]").await;
    let option = wait_for_text(
        &browser,
        "[data-test=refund-option][data-line=\"ticket:audio-guide\"]",
        |t| t.contains('¥'),
    )
    .await;
    option
        .find(Locator::Css("[data-test=refund-pick]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&browser, "[data-test=refund-confirm-box]", |t| {
        t.contains("按规则退还游客") && t.contains('¥')
    })
    .await;
    find(&browser, "[data-test=refund-confirm]").await;
    click(&browser, "[data-test=refund-cancel]").await;
    wait_gone(&browser, "[data-test=refund-confirm-box]").await;
    // Re-issuing a pass asks first too.
    click(
        &browser,
        "[data-test=pass][data-state=valid] [data-test=reissue]",
    )
    .await;
    find(&browser, "[data-test=pass] [data-test=reissue-confirm]").await;
    click(&browser, "[data-test=pass] .confirm button:last-child").await;
    wait_gone(&browser, "[data-test=reissue-confirm]").await;

    // A storm closes the mountain on the visit day: the case shows the trip hit, with the
    // tourist's ways out, and the agent moves it a day for them after confirming.
    let order_id: i64 = tourist.trip_id.rsplit('-').next().unwrap().parse().unwrap();
    let date: chrono::NaiveDate = tourist
        .client
        .order(&tourist.token, order_id)
        .await
        .unwrap()
        .date
        .parse()
        .unwrap();
    storm_on(&platform.url, date).await;
    // The tourist writes about it: news of the case, read again at once.
    tourist
        .client
        .say(&tourist.token, case.id, "收到暴雨通知了，能改到第二天吗？")
        .await
        .unwrap();
    let delay = "[data-test=affected] [data-test=way-out][data-way=delay]";
    wait_for_text(&browser, delay, |t| t.contains("推迟")).await;
    find(
        &browser,
        "[data-test=affected] [data-test=way-out][data-way=refund]",
    )
    .await;
    click(&browser, &format!("{delay} [data-test=way-out-pick]")).await;
    wait_for_text(&browser, "[data-test=way-out-confirm-box]", |t| {
        t.contains("为游客办理")
    })
    .await;
    scroll_to(&browser, "[data-test=ways-out]").await;
    screenshot(&env, &browser, "console-way-out-zh").await;
    click(&browser, "[data-test=way-out-confirm]").await;
    wait_for_text(&browser, "[data-test=way-out-done]", |t| {
        t.contains("已为游客办理")
    })
    .await;
    wait_gone(&browser, "[data-test=affected]").await;
    wait_for_text(
        &browser,
        "[data-test=chat-message][data-author=system]",
        |t| t.contains("已为您办理"),
    )
    .await;
    let moved = tourist
        .client
        .order(&tourist.token, order_id)
        .await
        .unwrap();
    assert_eq!(moved.date, (date + Days::new(1)).to_string());

    scroll_to(&browser, "[data-test=passes]").await;
    screenshot(&env, &browser, "console-trip-zh").await;
    scroll_top(&browser).await;
    screenshot(&env, &browser, "console-case-zh").await;

    // The same in English, and on a narrow window.
    click(&browser, "[data-test=lang-en]").await;
    wait_for_text(&browser, "[data-test=case-category]", |t| t == "Booking").await;
    wait_for_text(&browser, "[data-test=trip-item] .status", |t| {
        t == "confirmed"
    })
    .await;
    scroll_top(&browser).await;
    screenshot(&env, &browser, "console-case-en").await;
    resize(&browser, 420, 900).await;
    scroll_top(&browser).await;
    screenshot(&env, &browser, "console-case-en-narrow").await;
    click(&browser, "[data-test=lang-zh]").await;
    wait_for_text(&browser, "[data-test=case-category]", |t| t == "预订问题").await;
    scroll_top(&browser).await;
    screenshot(&env, &browser, "console-case-zh-narrow").await;
    click(&browser, "[data-test=back-to-queue]").await;
    find(&browser, &line).await;
    screenshot(&env, &browser, "console-queue-zh-narrow").await;
    click(&browser, "[data-test=lang-en]").await;
    wait_for_text(
        &browser,
        &format!("{line} [data-test=queue-category]"),
        |t| t == "Booking",
    )
    .await;
    screenshot(&env, &browser, "console-queue-en-narrow").await;
    resize(&browser, 1280, 800).await;
    screenshot(&env, &browser, "console-queue-en").await;
    click(&browser, "[data-test=lang-zh]").await;
    click(&browser, &format!("{line} [data-test=open-case]")).await;
    find(&browser, "[data-test=case-trip]").await;

    // The tourist ends the share: the open page clears the trip and says so, no reload.
    browser
        .execute("window.notReloaded = true;", vec![])
        .await
        .unwrap();
    tourist
        .client
        .end_share(&tourist.token, share_id)
        .await
        .unwrap();
    wait_for_text(&browser, "[data-test=share-ended]", |t| {
        t.contains("游客已结束分享")
    })
    .await;
    assert!(
        texts(&browser, "[data-test=trip-item]").await.is_empty(),
        "no trip item stays on the page"
    );
    assert!(
        texts(&browser, "[data-test=pass]").await.is_empty(),
        "no pass stays on the page"
    );
    let same_page = browser
        .execute("return window.notReloaded === true;", vec![])
        .await
        .unwrap();
    assert_eq!(
        same_page,
        serde_json::json!(true),
        "the page was not reloaded"
    );
    scroll_top(&browser).await;
    screenshot(&env, &browser, "console-share-ended-zh").await;
    browser.close().await.unwrap();
}
