//! Support through the real client: trip shares (made, read, ended, expired), support cases
//! and their chat, the agents' console (cookie session, CSRF, claim races, hand-over), and
//! who may reach what — each refused call refused with its exact status and no data.

use chrono::{Duration, Utc};
use tongyou_client::{ConsoleClient, PlatformClient};
use tongyou_core::api::{
    AgentRole, Author, CaseCategory, CaseRequest, CaseState, PassState, PaymentMethod, ShareRequest,
};

use tongyou_core::catalog::GeoPoint;

use crate::api_error;
use crate::booking::{Tourist, full_combo, place, request, tourist};

const AGENT_PASSWORD: &str = "demo-agent-password";
const SUPERVISOR_PASSWORD: &str = "demo-supervisor-password";

fn share_until(trip_id: &str, from_now: Duration) -> ShareRequest {
    ShareRequest {
        trip_id: trip_id.into(),
        expires_at: (Utc::now() + from_now).to_rfc3339(),
    }
}

async fn booked(url: &str, mobile: &str) -> (Tourist, String) {
    let t = tourist(url, mobile).await;
    let order = place(&t, "k1", &request(&t, full_combo(), PaymentMethod::Wallet)).await;
    (t, format!("huangshan-{}", order.id))
}

async fn console(url: &str, login: &str, password: &str) -> ConsoleClient {
    let c = PlatformClient::new(url).unwrap().console();
    c.sign_in(login, password).await.unwrap();
    c
}

fn help(category: CaseCategory, trip_id: Option<&str>, message: &str) -> CaseRequest {
    CaseRequest {
        category,
        message: message.into(),
        trip_id: trip_id.map(str::to_owned),
        item: None,
        location: Some(GeoPoint {
            lat: 30.13,
            lon: 118.17,
        }),
        asked_at: None,
    }
}

#[tokio::test]
async fn a_share_opens_the_trip_read_only_until_ended_and_lists_every_view() {
    let dir = tempfile::tempdir().unwrap();
    let p = crate::platform(&dir).await;
    let (t, trip_id) = booked(&p.url(), "13800138601").await;
    let share = t
        .client
        .share_trip(&t.token, &share_until(&trip_id, Duration::hours(72)))
        .await
        .unwrap();
    let path = share
        .path
        .clone()
        .expect("the made share carries its address");
    assert!(path.starts_with("/s/") && path.len() == 3 + 64, "{path}");
    assert!(share.live);

    // Anyone with the address reads the trip: every item, every pass, nothing personal.
    let anyone = PlatformClient::new(&p.url()).unwrap();
    let shared = anyone.shared_trip(&path).await.unwrap();
    assert_eq!(shared.trip.trip_id, trip_id);
    assert!(shared.trip.items.len() >= 5, "{:?}", shared.trip.items);
    assert!(!shared.passes.is_empty());
    assert!(shared.passes.iter().all(|p| p.state == PassState::Valid));
    let json = serde_json::to_string(&shared).unwrap();
    for secret in [
        "110105198912310028",
        "110105201603150029",
        "13800138601",
        "张三",
    ] {
        assert!(!json.contains(secret), "the share leaks {secret}");
    }
    assert!(json.contains("张*"), "holders are shown masked");
    let (status, zh) = anyone.share_page(&path, "zh").await.unwrap();
    assert_eq!(status, 200);
    assert!(zh.contains("共享行程") && zh.contains("已确认"), "{zh}");
    let (_, en) = anyone.share_page(&path, "en").await.unwrap();
    assert!(
        en.contains("shared trip") && en.contains("confirmed"),
        "{en}"
    );
    assert!(!en.contains("110105198912310028"));

    // The owner sees each read; the list never carries the address again.
    let mine = t.client.shares(&t.token).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].path, None);
    assert_eq!(mine[0].views.len(), 3, "{:?}", mine[0].views);
    assert!(
        mine[0]
            .views
            .iter()
            .all(|v| v.who == "link" && v.what == "viewed")
    );

    // Another tourist can neither read the list's share nor end it.
    let other = tourist(&p.url(), "13800138602").await;
    assert!(other.client.shares(&other.token).await.unwrap().is_empty());
    let (status, _) = api_error(other.client.end_share(&other.token, share.id).await);
    assert_eq!(status, 404);

    // Ended: the address answers as if it never was, at once.
    let ended = t.client.end_share(&t.token, share.id).await.unwrap();
    assert!(!ended.live && ended.ended_at.is_some());
    let (status, error) = api_error(anyone.shared_trip(&path).await);
    assert_eq!((status, error.message.as_str()), (404, "not found"));
    let (status, page) = anyone.share_page(&path, "en").await.unwrap();
    assert_eq!(status, 404);
    assert!(page.contains("This share has ended"), "{page}");
    let (status, _) = api_error(anyone.shared_trip(&format!("/s/{}", "0".repeat(64))).await);
    assert_eq!(status, 404, "a guessed token is a plain 404");
}

#[tokio::test]
async fn a_share_expires_and_its_expiry_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let p = crate::platform(&dir).await;
    let (t, trip_id) = booked(&p.url(), "13800138611").await;
    for (asked, says) in [
        (Duration::hours(-1), "The expiry is in the past"),
        (Duration::days(31), "A share lasts at most 30 days"),
    ] {
        let (status, error) = api_error(
            t.client
                .share_trip(&t.token, &share_until(&trip_id, asked))
                .await,
        );
        assert_eq!(status, 422);
        assert_eq!(error.fields[0].field, "expires_at");
        assert_eq!(error.fields[0].message.en, says);
    }
    let (status, error) = api_error(
        t.client
            .share_trip(
                &t.token,
                &share_until("huangshan-999999", Duration::hours(1)),
            )
            .await,
    );
    assert_eq!((status, error.fields[0].field.as_str()), (422, "trip_id"));

    // A share of two seconds: read, then gone once the platform's clock passes it.
    let short = t
        .client
        .share_trip(&t.token, &share_until(&trip_id, Duration::seconds(2)))
        .await
        .unwrap();
    let path = short.path.unwrap();
    t.client.shared_trip(&path).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let (status, _) = api_error(t.client.shared_trip(&path).await);
    assert_eq!(status, 404);
    assert!(!t.client.shares(&t.token).await.unwrap()[0].live);
}

#[tokio::test]
async fn a_case_lands_once_queues_by_urgency_and_becomes_a_chat() {
    let dir = tempfile::tempdir().unwrap();
    let p = crate::platform(&dir).await;
    let (t, trip_id) = booked(&p.url(), "13800138621").await;
    let other = tourist(&p.url(), "13800138622").await;

    // An outbox sends the same case three times: one case.
    let asked = help(
        CaseCategory::Booking,
        Some(&trip_id),
        "  酒店说没有我们的房间  ",
    );
    let first = t
        .client
        .open_case(&t.token, "case-1", &asked)
        .await
        .unwrap();
    for _ in 0..2 {
        let again = t
            .client
            .open_case(&t.token, "case-1", &asked)
            .await
            .unwrap();
        assert_eq!(again.id, first.id);
    }
    assert_eq!(t.client.cases(&t.token).await.unwrap().len(), 1);
    assert_eq!(first.state, CaseState::Waiting);
    assert_eq!(first.messages.len(), 1);
    assert_eq!(first.messages[0].text, "酒店说没有我们的房间");
    assert!(first.share_id.is_some(), "the trip is shared with the case");
    // A later refusal at a gate, one tap and no words, goes first.
    let gate = other
        .client
        .open_case(
            &other.token,
            "case-1",
            &help(CaseCategory::GateRefused, None, ""),
        )
        .await
        .unwrap();
    let agent = console(&p.url(), "agent", AGENT_PASSWORD).await;
    let queue = agent.queue().await.unwrap();
    assert_eq!(
        queue.iter().map(|q| q.case_id).collect::<Vec<_>>(),
        vec![gate.id, first.id]
    );
    assert_eq!(queue[0].urgent.as_ref().unwrap().en, "Refused at a gate");
    assert_eq!(queue[1].urgent, None);
    assert_eq!(queue[1].unread, 1);
    assert_eq!(
        queue[1].last_message.as_deref(),
        Some("酒店说没有我们的房间")
    );

    // Two agents claim the same case at once: one gets it.
    let supervisor = console(&p.url(), "supervisor", SUPERVISOR_PASSWORD).await;
    let (a, b) = tokio::join!(agent.claim(first.id), supervisor.claim(first.id));
    assert!(
        a.is_ok() != b.is_ok(),
        "exactly one claim wins: {a:?} {b:?}"
    );
    let (status, _) = api_error(if a.is_ok() { b } else { a });
    assert_eq!(status, 409);
    let holder = agent.queue().await.unwrap();
    let line = holder.iter().find(|q| q.case_id == first.id).unwrap();
    assert_eq!(line.state, CaseState::Claimed);
    // Whoever won, the case goes to the agent for the rest of the test.
    if line.agent.as_deref() != Some("小林 Lin") {
        supervisor.hand_over(first.id, "agent").await.unwrap();
    }

    // The agent sees the trip with every sub-order's status and where the tourist is.
    let detail = agent.case(first.id).await.unwrap();
    let trip = detail.trip.as_ref().expect("the share is live");
    assert_eq!(trip.trip.trip_id, trip_id);
    assert!(!trip.passes.is_empty());
    assert_eq!(detail.location.map(|l| l.lat), Some(30.13));
    assert_eq!(detail.case.unread, 0, "opening the case reads it");

    // The chat, both ways, with unread counts.
    agent
        .say(first.id, "您好，我来帮您联系酒店。")
        .await
        .unwrap();
    let seen = t.client.case(&t.token, first.id).await.unwrap();
    assert_eq!(seen.agent.as_deref(), Some("小林 Lin"));
    let said = seen
        .messages
        .iter()
        .rfind(|m| m.author == Author::Agent)
        .unwrap();
    assert_eq!(said.text, "您好，我来帮您联系酒店。");
    assert!(seen.unread >= 1);
    assert_eq!(
        t.client.read_case(&t.token, first.id).await.unwrap().unread,
        0
    );
    t.client.say(&t.token, first.id, "谢谢！").await.unwrap();
    let line = agent.queue().await.unwrap();
    assert_eq!(
        line.iter().find(|q| q.case_id == first.id).unwrap().unread,
        1
    );

    // The tourist sees the agent's views of the trip beside the share.
    let shares = t.client.shares(&t.token).await.unwrap();
    let share = shares
        .iter()
        .find(|s| Some(s.id) == first.share_id)
        .unwrap();
    assert_eq!(share.case_id, Some(first.id));
    assert!(
        share
            .views
            .iter()
            .any(|v| v.who == "小林 Lin" && v.what == "viewed")
    );

    // Closing the case ends its share: the agent keeps the chat but loses the trip.
    agent.close(first.id).await.unwrap();
    let after = agent.case(first.id).await.unwrap();
    assert_eq!(after.case.state, CaseState::Closed);
    assert!(after.trip.is_none());
    let (status, _) = api_error(t.client.say(&t.token, first.id, "还有一件事").await);
    assert_eq!(status, 409);
}

#[tokio::test]
async fn messages_that_are_empty_or_too_long_are_refused_by_field() {
    let dir = tempfile::tempdir().unwrap();
    let p = crate::platform(&dir).await;
    let t = tourist(&p.url(), "13800138631").await;
    let case = t
        .client
        .open_case(&t.token, "k", &help(CaseCategory::Other, None, ""))
        .await
        .unwrap();
    assert!(case.messages.is_empty(), "one tap, no words, is a case");
    for (text, field, says) in [
        ("   ", "text", "The message is empty"),
        (
            &*"长".repeat(10_000),
            "text",
            "A message is at most 2000 characters; this one has 10000",
        ),
    ] {
        let (status, error) = api_error(t.client.say(&t.token, case.id, text).await);
        assert_eq!(status, 422);
        assert_eq!(
            (
                error.fields[0].field.as_str(),
                error.fields[0].message.en.as_str()
            ),
            (field, says)
        );
    }
    let (status, error) = api_error(
        t.client
            .open_case(
                &t.token,
                "k2",
                &help(CaseCategory::Other, None, &"x".repeat(10_000)),
            )
            .await,
    );
    assert_eq!((status, error.fields[0].field.as_str()), (422, "message"));
    let agent = console(&p.url(), "agent", AGENT_PASSWORD).await;
    agent.claim(case.id).await.unwrap();
    let (status, error) = api_error(agent.say(case.id, "").await);
    assert_eq!((status, error.fields[0].field.as_str()), (422, "text"));
}

#[tokio::test]
async fn console_sign_in_is_a_strict_cookie_limited_per_login_with_csrf_on_writes() {
    let dir = tempfile::tempdir().unwrap();
    let p = crate::platform(&dir).await;
    let client = PlatformClient::new(&p.url()).unwrap();
    let cookies = client
        .console()
        .sign_in_cookie("agent", AGENT_PASSWORD)
        .await
        .unwrap();
    let cookie = cookies
        .iter()
        .find(|c| c.starts_with("tongyou_console="))
        .unwrap();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }

    // Five wrong passwords: each a plain 401; then the login waits, right password or not.
    let c = client.console();
    for _ in 0..4 {
        let (status, error) = api_error(c.sign_in("agent", "wrong password!!").await);
        assert_eq!(status, 401);
        assert!(
            error.message.contains("wrong login or password"),
            "{}",
            error.message
        );
    }
    let (status, _) = api_error(c.sign_in("nobody", "wrong password!!").await);
    assert_eq!(
        status, 401,
        "an unknown login answers like a wrong password"
    );
    let (status, _) = api_error(c.sign_in("agent", "wrong password!!").await);
    assert_eq!(status, 401);
    let (status, error) = api_error(c.sign_in("agent", AGENT_PASSWORD).await);
    assert_eq!(status, 429);
    assert!(error.message.contains("try again in"), "{}", error.message);
    // The other login is not locked by it.
    let supervisor = console(&p.url(), "supervisor", SUPERVISOR_PASSWORD).await;

    // A write without the CSRF token (a forged cross-site form) is refused; with it, taken.
    let t = tourist(&p.url(), "13800138641").await;
    let case = t
        .client
        .open_case(&t.token, "k", &help(CaseCategory::Other, None, "hi"))
        .await
        .unwrap();
    let (status, _) = api_error(supervisor.claim_without_csrf(case.id).await);
    assert_eq!(status, 403);
    // A reloaded page gets a fresh token; the old one stops working.
    let old = supervisor.session().unwrap();
    supervisor.me().await.unwrap();
    let stale = supervisor.clone();
    stale.keep(Some(old));
    let (status, _) = api_error(stale.claim(case.id).await);
    assert_eq!(status, 403);
    let fresh = console(&p.url(), "supervisor", SUPERVISOR_PASSWORD).await;
    fresh.claim(case.id).await.unwrap();

    // Signed out: the cookie no longer opens anything.
    let held = fresh.session();
    fresh.sign_out().await.unwrap();
    fresh.keep(held);
    let (status, _) = api_error(fresh.queue().await);
    assert_eq!(status, 401);
}

/// The status a call answered with.
fn status<T>(r: Result<T, tongyou_client::ClientError>) -> u16 {
    match r {
        Ok(_) => 200,
        Err(tongyou_client::ClientError::Api { status, .. }) => status,
        Err(e) => panic!("{e}"),
    }
}

/// Who may reach what: tourist A (the case's), tourist B, anonymous, the agent holding the
/// case, another agent and a supervisor, each call with its exact status; the audit log
/// records the allowed calls and none of the refused ones.
#[tokio::test]
async fn every_support_endpoint_answers_each_caller_exactly() {
    let dir = tempfile::tempdir().unwrap();
    // A second plain agent, made as an operator makes one: by the command, before start.
    let added = tongyou_platform::add_agent(
        &dir.path().join("platform.db"),
        "zhao",
        "赵 Zhao",
        AgentRole::Agent,
        "zhao's long password",
    );
    assert!(added.unwrap());
    let p = crate::platform(&dir).await;
    let url = p.url();
    let (a, trip_id) = booked(&url, "13800138651").await;
    let b = tourist(&url, "13800138652").await;
    let share = a
        .client
        .share_trip(&a.token, &share_until(&trip_id, Duration::hours(1)))
        .await
        .unwrap();
    let case = a
        .client
        .open_case(
            &a.token,
            "k",
            &help(CaseCategory::Transport, Some(&trip_id), "车没来"),
        )
        .await
        .unwrap();
    let anonymous = PlatformClient::new(&url).unwrap();

    // The tourist's endpoints: their own only, and nothing without a session.
    assert_eq!(status(a.client.case(&a.token, case.id).await), 200);
    assert_eq!(status(b.client.case(&b.token, case.id).await), 404);
    assert_eq!(status(anonymous.case("", case.id).await), 401);
    assert_eq!(status(b.client.say(&b.token, case.id, "hi").await), 404);
    assert_eq!(status(b.client.read_case(&b.token, case.id).await), 404);
    assert_eq!(status(anonymous.shares("").await), 401);
    assert_eq!(status(b.client.end_share(&b.token, share.id).await), 404);
    assert_eq!(
        status(
            b.client
                .share_trip(&b.token, &share_until(&trip_id, Duration::hours(1)))
                .await
        ),
        422,
        "another tourist's trip is no trip of theirs"
    );

    // The console: nothing without a session; a tourist's bearer token is no session.
    let nobody = anonymous.console();
    assert_eq!(status(nobody.queue().await), 401);
    assert_eq!(status(nobody.case(case.id).await), 401);
    assert_eq!(status(nobody.claim(case.id).await), 401);
    assert_eq!(status(nobody.audit().await), 401);

    let holder = console(&url, "agent", AGENT_PASSWORD).await;
    let supervisor = console(&url, "supervisor", SUPERVISOR_PASSWORD).await;
    let second = console(&url, "zhao", "zhao's long password").await;

    // Before a claim no plain agent sees the trip; a supervisor may.
    assert_eq!(status(holder.case(case.id).await), 403);
    assert_eq!(status(holder.say(case.id, "hi").await), 403);
    assert_eq!(status(holder.close(case.id).await), 403);
    assert_eq!(
        status(holder.audit().await),
        403,
        "the audit log is for supervisors"
    );
    assert_eq!(status(holder.case(999_999).await), 404);
    let before = supervisor.audit().await.unwrap().len();

    assert_eq!(status(holder.claim(case.id).await), 200);
    assert_eq!(status(second.claim(case.id).await), 409);
    assert_eq!(
        status(second.case(case.id).await),
        403,
        "another agent's case"
    );
    assert_eq!(status(second.say(case.id, "hi").await), 403);
    assert_eq!(status(second.close(case.id).await), 403);
    assert_eq!(status(second.hand_over(case.id, "zhao").await), 403);
    assert_eq!(status(holder.case(case.id).await), 200);
    assert_eq!(status(holder.say(case.id, "马上到").await), 200);
    assert_eq!(status(supervisor.case(case.id).await), 200);
    let (code, _) = api_error(holder.hand_over(case.id, "nobody").await);
    assert_eq!(code, 422);

    // The log: the allowed calls, in order, and none of the refused ones.
    let log = supervisor.audit().await.unwrap();
    let new: Vec<(String, String)> = log[..log.len() - before]
        .iter()
        .rev()
        .map(|l| (l.agent.clone(), l.action.clone()))
        .collect();
    let line = |agent: &str, action: &str| (agent.to_owned(), action.to_owned());
    assert_eq!(
        new,
        vec![
            line("agent", "claimed"),
            line("agent", "viewed"),
            line("agent", "viewed"),
            line("agent", "sent_message"),
            line("supervisor", "viewed"),
        ]
    );
    assert!(
        log.iter()
            .all(|l| l.case_id.is_none() || l.case_id == Some(case.id))
    );

    // The tourist ends the share: the agent keeps the case but loses the trip at once.
    let shares = a.client.shares(&a.token).await.unwrap();
    let case_share = shares.iter().find(|s| s.case_id == Some(case.id)).unwrap();
    a.client.end_share(&a.token, case_share.id).await.unwrap();
    let detail = holder.case(case.id).await.unwrap();
    assert!(detail.trip.is_none());
    assert_eq!(detail.case.messages.last().unwrap().text, "马上到");
}

/// The next message of a stream that is not a heartbeat, or a failed test.
async fn next(stream: &mut tongyou_client::EventStream) -> tongyou_client::EventMessage {
    crate::events::next(stream).await
}

#[tokio::test]
async fn the_chat_arrives_live_on_both_streams_and_a_reconnect_reads_what_it_missed() {
    use tongyou_client::EventMessage;

    let dir = tempfile::tempdir().unwrap();
    let p = crate::platform(&dir).await;
    let (t, trip_id) = booked(&p.url(), "13800138661").await;
    let agent = console(&p.url(), "agent", AGENT_PASSWORD).await;
    let mut queue = agent.queue_stream().await.unwrap();
    assert_eq!(next(&mut queue).await, EventMessage::Queue(vec![]));
    let (mut events, _) = crate::events::live(&t.client, &t.token).await;

    // The tourist taps help: the console's queue shows the case.
    let case = t
        .client
        .open_case(
            &t.token,
            "k",
            &help(CaseCategory::GateRefused, Some(&trip_id), "闸机不认"),
        )
        .await
        .unwrap();
    let EventMessage::QueueChanges(changes) = next(&mut queue).await else {
        panic!("expected the queue's changes");
    };
    assert_eq!(changes.lines.len(), 1, "only the new line");
    assert!(changes.left.is_empty());
    assert_eq!(
        (changes.lines[0].case_id, changes.lines[0].unread),
        (case.id, 1)
    );

    // The agent claims and writes: the tourist's stream carries the case each time.
    let EventMessage::Case(opened) = next(&mut events).await else {
        panic!("expected the case");
    };
    assert_eq!((opened.id, opened.state), (case.id, CaseState::Waiting));
    agent.claim(case.id).await.unwrap();
    let claimed = loop {
        let EventMessage::Case(c) = next(&mut events).await else {
            panic!("expected the case");
        };
        if c.state == CaseState::Claimed {
            break c;
        }
    };
    assert_eq!(claimed.agent.as_deref(), Some("小林 Lin"));
    agent.say(case.id, "请出示身份证").await.unwrap();
    let said = loop {
        let EventMessage::Case(c) = next(&mut events).await else {
            panic!("expected the case");
        };
        if c.messages.iter().any(|m| m.text == "请出示身份证") {
            break c;
        }
    };
    assert!(said.unread >= 1);

    // The tourist answers: the console's line shows one unread.
    t.client.say(&t.token, case.id, "好的").await.unwrap();
    let unread = loop {
        let EventMessage::QueueChanges(changes) = next(&mut queue).await else {
            panic!("expected the queue's changes");
        };
        if let Some(line) = changes.lines.first()
            && line.last_message.as_deref() == Some("好的")
        {
            break line.unread;
        }
    };
    assert_eq!(unread, 1);

    // Offline meanwhile: a new stream sends no replay of cases, and the cases read again
    // carry what was missed.
    drop(events);
    agent.say(case.id, "已为您重新出票").await.unwrap();
    let (_events, _) = crate::events::live(&t.client, &t.token).await;
    let missed = t.client.case(&t.token, case.id).await.unwrap();
    assert_eq!(missed.messages.last().unwrap().text, "已为您重新出票");

    // Closed: the case leaves the queue.
    agent.close(case.id).await.unwrap();
    loop {
        let EventMessage::QueueChanges(changes) = next(&mut queue).await else {
            panic!("expected the queue's changes");
        };
        if changes.left == vec![case.id] {
            break;
        }
    }
}

/// `tongyou-platform agent add`, the real binary: the password from standard input, a
/// login made once and never overwritten, a short password refused by name; the agent
/// then signs in to a started platform, and no password shows on the command line.
#[tokio::test]
async fn the_agent_add_command_makes_an_account_once() {
    use std::io::Write;
    use std::process::{Command, Stdio};

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("platform.db");
    let add = |login: &str, password: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tongyou-platform"))
            .args(["agent", "add", "--db"])
            .arg(&db)
            .args([login, "周 Zhou", "supervisor"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        let out = child.wait_with_output().unwrap();
        let said = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.success(), said)
    };
    let (made, said) = add("zhou", "a long enough secret");
    assert!(made, "{said}");
    assert!(said.contains("agent zhou added"), "{said}");
    let (again, said) = add("zhou", "another long secret!");
    assert!(!again);
    assert!(
        said.contains("already exists; it was left as it is"),
        "{said}"
    );
    let (short, said) = add("wu", "short");
    assert!(!short);
    assert!(
        said.contains("password: A password has at least 12 characters"),
        "{said}"
    );

    let p = crate::platform(&dir).await;
    let zhou = PlatformClient::new(&p.url()).unwrap().console();
    let (status, _) = api_error(zhou.sign_in("zhou", "another long secret!").await);
    assert_eq!(status, 401, "the first password stands");
    let me = zhou.sign_in("zhou", "a long enough secret").await.unwrap();
    assert_eq!(
        (me.name.as_str(), me.role),
        ("周 Zhou", AgentRole::Supervisor)
    );
}
