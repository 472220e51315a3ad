//! Help on the device against a real platform: a request made with the platform down
//! waits in the outbox, shows as a case meanwhile, and lands once; an agent's reply comes
//! in on the event stream, is kept on the device and is told to the screens.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tongyou_core::api::{Author, Case, CaseCategory, CaseRequest, CaseState, ErrorCode};
use tongyou_device::events::Heard;
use tongyou_device::outbox::WriteKind;

use super::trip::eventually;
use super::{Rig, api_error};

fn help(message: &str, trip_id: Option<String>) -> CaseRequest {
    CaseRequest {
        category: CaseCategory::GateRefused,
        message: message.into(),
        trip_id,
        item: None,
        location: None,
        asked_at: None,
    }
}

/// A signed-in tourist who has asked for help, online.
async fn asked_for_help(mobile: &str, message: &str) -> (Rig, Case) {
    let rig = Rig::new().await;
    rig.sync().await;
    rig.tourist(mobile).await;
    let case = rig
        .device
        .ask_for_help(help(message, None), None, None)
        .await
        .unwrap();
    (rig, case)
}

/// The dev platform's demo agent, signed in to the console.
async fn agent(rig: &Rig) -> tongyou_client::ConsoleClient {
    let console = rig.client.console();
    console
        .sign_in("agent", "demo-agent-password")
        .await
        .unwrap();
    console
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_help_request_made_offline_is_sent_once_when_the_platform_answers() {
    let mut rig = Rig::new().await;
    rig.sync().await;
    let (_, traveller) = rig.tourist("13800138601").await;
    let order = rig.book(&traveller, "h1").await;
    let trip_id = format!("huangshan-{}", order.id);

    rig.stop_platform().await;
    let waiting = rig
        .device
        .ask_for_help(
            help("闸机不让进", Some(trip_id.clone())),
            Some("huangshan".into()),
            Some("yingkesong".into()),
        )
        .await
        .unwrap();
    assert!(
        waiting.id < 0,
        "a provisional id while it waits: {waiting:?}"
    );
    assert_eq!(waiting.state, CaseState::Waiting);
    assert_eq!(waiting.messages[0].text, "闸机不让进");
    let outbox = rig.device.outbox().unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].kind, WriteKind::OpenCase);
    // Offline, the list is the device's: the waiting request first.
    let listed = rig.device.cases().await.unwrap();
    assert_eq!(
        listed.iter().map(|c| c.id).collect::<Vec<_>>(),
        [waiting.id]
    );
    // Writing in it before it is sent says why it cannot be.
    let early = rig.device.say(waiting.id, "还在吗".into()).await;
    assert_eq!(api_error(early).code, ErrorCode::Offline);

    rig.restart_platform().await;
    rig.sync().await;
    assert!(rig.device.outbox().unwrap().is_empty(), "sent by the sync");
    let sent = rig.device.case(waiting.id).await.unwrap();
    assert!(
        sent.id > 0,
        "the provisional id leads to the platform's case"
    );
    assert_eq!(sent.trip_id.as_deref(), Some(trip_id.as_str()));
    assert!(sent.share_id.is_some(), "the trip is shared with the agent");
    let on_platform = rig.client.cases(&rig.token()).await.unwrap();
    assert_eq!(on_platform.len(), 1, "one case however often it was tried");
    assert_eq!(on_platform[0].id, sent.id);

    // Bad input is said by field, on the device, before anything is sent.
    let long = rig
        .device
        .ask_for_help(help(&"长".repeat(10_000), None), None, None)
        .await;
    let long = api_error(long);
    assert_eq!(long.fields[0].field, "message", "{long:?}");
    let empty = rig.device.say(sent.id, "   ".into()).await;
    assert_eq!(api_error(empty).fields[0].field, "text");
    assert_eq!(rig.client.cases(&rig.token()).await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agents_reply_reaches_the_device_live_and_is_kept_for_offline() {
    let (mut rig, case) = asked_for_help("13800138602", "").await;
    assert!(case.id > 0, "online: the platform's case at once");
    assert!(case.messages.is_empty(), "one tap, no words needed");

    let heard: Arc<Mutex<Vec<Heard>>> = Arc::default();
    let kept = Arc::clone(&heard);
    let follow = rig
        .device
        .follow_events(move |h| kept.lock().unwrap().push(h));
    let act = async {
        let bound = Duration::from_secs(20);
        let account = rig.account();
        assert!(
            eventually(bound, || rig
                .device
                .store
                .event_cursor(account)
                .unwrap()
                .is_some())
            .await,
            "connected"
        );
        let console = agent(&rig).await;
        console.claim(case.id).await.unwrap();
        console.say(case.id, "您好，我来帮您").await.unwrap();
        let told = eventually(bound, || {
            heard.lock().unwrap().iter().any(|h| {
                matches!(h, Heard::Case { id, notice: Some(n) }
                    if *id == case.id && n.body.zh.contains("我来帮您"))
            })
        })
        .await;
        assert!(
            told,
            "the screens and a notification: {:?}",
            heard.lock().unwrap()
        );
        let copy = rig.device.store.case(account, case.id).unwrap().unwrap();
        let last = copy.messages.last().unwrap();
        assert_eq!(
            (last.author, last.text.as_str()),
            (Author::Agent, "您好，我来帮您")
        );
        assert_eq!(
            copy.unread, 2,
            "the platform's line that an agent took it, and the reply"
        );
        // Read on the device: no longer unread, and no notice for it.
        let read = rig.device.read_case(case.id).await.unwrap();
        assert_eq!(read.unread, 0);
    };
    tokio::select! {
        () = follow => unreachable!("following never ends on its own"),
        () = act => {}
    }
    // With the platform gone the chat still reads from the device.
    rig.stop_platform().await;
    let offline = rig.device.case(case.id).await.unwrap();
    assert_eq!(offline.messages.last().unwrap().text, "您好，我来帮您");
    let cases = rig.device.cases().await.unwrap();
    assert_eq!(cases.len(), 1);
    let reply = rig.device.say(case.id, "谢谢".into()).await;
    assert_eq!(api_error(reply).code, ErrorCode::Offline);
}

/// What an agent wrote before the device's stream opened (the app started, or signed in,
/// after it) is told when it opens; a stream that opens again tells it no second time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_written_before_the_stream_opened_is_told_once() {
    let (mut rig, case) = asked_for_help("13800138603", "闸机不让进").await;
    let console = agent(&rig).await;
    console.claim(case.id).await.unwrap();
    console.say(case.id, "请稍等").await.unwrap();

    let heard: Arc<Mutex<Vec<Heard>>> = Arc::default();
    let kept = Arc::clone(&heard);
    let told_of = |text: &str| {
        heard
            .lock()
            .unwrap()
            .iter()
            .filter(|h| {
                matches!(h, Heard::Case { id, notice: Some(n) }
                    if *id == case.id && n.body.zh.contains(text))
            })
            .count()
    };
    let bound = Duration::from_secs(20);
    {
        let follow = rig
            .device
            .follow_events(move |h| kept.lock().unwrap().push(h));
        let first = async {
            assert!(
                eventually(bound, || told_of("请稍等") == 1).await,
                "told when the stream opened: {:?}",
                heard.lock().unwrap()
            );
        };
        tokio::select! {
            () = follow => unreachable!("following never ends on its own"),
            () = first => {}
        }
    }
    let copy = rig.device.case(case.id).await.unwrap();
    assert_eq!(copy.state, CaseState::Claimed);

    // The stream opens again (the platform restarted); only what is new is told.
    rig.stop_platform().await;
    rig.restart_platform().await;
    let kept = Arc::clone(&heard);
    let follow = rig
        .device
        .follow_events(move |h| kept.lock().unwrap().push(h));
    let again = async {
        agent(&rig)
            .await
            .say(case.id, "南门有人接您")
            .await
            .unwrap();
        assert!(
            eventually(bound, || told_of("南门有人接您") == 1).await,
            "the new reply: {:?}",
            heard.lock().unwrap()
        );
    };
    tokio::select! {
        () = follow => unreachable!("following never ends on its own"),
        () = again => {}
    }
    assert_eq!(told_of("请稍等"), 1, "the first reply, told once");
}
