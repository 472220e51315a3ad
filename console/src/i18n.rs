//! The console's own words in Chinese and English, and the language chosen.
//!
//! Trip content arrives bilingual from the platform; only the console's fixed words live
//! here. One `match` per message means a message without both languages does not compile.
//! The language: the one last chosen on this browser, else the browser's, else Chinese.

use tongyou_core::api::{CaseCategory, CaseState, ItemKind, ItemStatus, Lang};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    AppName,
    AuditTitle,
    AuditHint,
    AuditEmpty,
    AuditOnlySupervisors,
    AuditWhen,
    AuditWho,
    AuditWhat,
    AuditCase,
    Loading,
    SignInTitle,
    SignInHint,
    Login,
    Password,
    SignIn,
    SignInEmpty,
    SignInRefused,
    SignOut,
    RoleAgent,
    RoleSupervisor,
    SessionEnded,
    Unreachable,
    NotAllowed,
    Conflict,
    TooManyTries,
    QueueTitle,
    QueueEmpty,
    StreamLive,
    StreamConnecting,
    StreamLost,
    Unclaimed,
    Unread,
    Claim,
    Open,
    PickCase,
    BackToQueue,
    HandOver,
    HandOverTo,
    HandOverWho,
    CloseCase,
    CloseSure,
    Cancel,
    Tourist,
    Agent,
    System,
    ReplyIn,
    TypeHere,
    Send,
    SendPlace,
    PlacePrefix,
    FindPlace,
    TripPlaces,
    RegionSights,
    TripTitle,
    SharedUntil,
    ShareEnded,
    ClosedShareEnded,
    NoTripShared,
    Passes,
    PassUnused,
    PassUsed,
    PassRevoked,
    Reissue,
    ReissueSure,
    Reissued,
    ActionUnavailable,
    NoMap,
    TouristHere,
    MapLabel,
    MapCaption,
    RefundTitle,
    WaysOutTitle,
    WaysOutExpires,
    WayOutPick,
    WayOutSure,
    WayOutConfirm,
    WayOutDone,
    WayOutRefund,
    WayOutPriceDifference,
    WayOutCompensation,
    RefundShow,
    Hide,
    RefundNone,
    RefundPick,
    RefundSure,
    RefundConfirm,
    Refunded,
    Paid,
    Back,
}

pub fn t(lang: Lang, msg: Msg) -> &'static str {
    use Msg::*;
    match (msg, lang) {
        (AppName, Lang::Zh) => "通游客服台",
        (AppName, Lang::En) => "Tongyou support desk",
        (AuditTitle, Lang::Zh) => "审计日志",
        (AuditTitle, Lang::En) => "Audit log",
        (AuditHint, Lang::Zh) => "每一次查看行程和每一项操作都记录在这里，只能追加，不能修改。",
        (AuditHint, Lang::En) => {
            "Every view of a shared trip and every action on a case, newest first; lines are only ever added."
        }
        (AuditEmpty, Lang::Zh) => "还没有记录。",
        (AuditEmpty, Lang::En) => "Nothing yet.",
        (AuditOnlySupervisors, Lang::Zh) => "只有主管可以查看审计日志。",
        (AuditOnlySupervisors, Lang::En) => "Only supervisors read the audit log.",
        (AuditWhen, Lang::Zh) => "时间",
        (AuditWhen, Lang::En) => "When",
        (AuditWho, Lang::Zh) => "客服",
        (AuditWho, Lang::En) => "Agent",
        (AuditWhat, Lang::Zh) => "操作",
        (AuditWhat, Lang::En) => "What",
        (AuditCase, Lang::Zh) => "案件",
        (AuditCase, Lang::En) => "Case",
        (Loading, Lang::Zh) => "加载中…",
        (Loading, Lang::En) => "Loading…",
        (SignInTitle, Lang::Zh) => "客服登录",
        (SignInTitle, Lang::En) => "Agent sign-in",
        (SignInHint, Lang::Zh) => "用平台为你开设的客服账号登录。",
        (SignInHint, Lang::En) => "Sign in with the agent account the platform set up for you.",
        (Login, Lang::Zh) => "登录名",
        (Login, Lang::En) => "Login",
        (Password, Lang::Zh) => "密码",
        (Password, Lang::En) => "Password",
        (SignIn, Lang::Zh) => "登录",
        (SignIn, Lang::En) => "Sign in",
        (SignInEmpty, Lang::Zh) => "请填写登录名和密码",
        (SignInEmpty, Lang::En) => "Enter your login and password",
        (SignInRefused, Lang::Zh) => "登录失败",
        (SignInRefused, Lang::En) => "Not signed in",
        (SignOut, Lang::Zh) => "退出",
        (SignOut, Lang::En) => "Sign out",
        (RoleAgent, Lang::Zh) => "客服",
        (RoleAgent, Lang::En) => "agent",
        (RoleSupervisor, Lang::Zh) => "主管",
        (RoleSupervisor, Lang::En) => "supervisor",
        (SessionEnded, Lang::Zh) => "登录已失效，请重新登录",
        (SessionEnded, Lang::En) => "Your session has ended: sign in again",
        (Unreachable, Lang::Zh) => "连不上平台，请检查网络后再试",
        (Unreachable, Lang::En) => {
            "The platform did not answer: check the connection and try again"
        }
        (NotAllowed, Lang::Zh) => "没有权限：这个案件不在你名下",
        (NotAllowed, Lang::En) => "Not allowed: this case is not yours",
        (Conflict, Lang::Zh) => "没有办成：案件已被别人认领或已关闭",
        (Conflict, Lang::En) => "Not done: another agent has the case, or it is closed",
        (TooManyTries, Lang::Zh) => "尝试次数太多，请稍后再试",
        (TooManyTries, Lang::En) => "Too many tries: try again later",
        (QueueTitle, Lang::Zh) => "待处理",
        (QueueTitle, Lang::En) => "Queue",
        (QueueEmpty, Lang::Zh) => "现在没有待处理的案件",
        (QueueEmpty, Lang::En) => "No open cases right now",
        (StreamLive, Lang::Zh) => "实时",
        (StreamLive, Lang::En) => "Live",
        (StreamConnecting, Lang::Zh) => "连接中",
        (StreamConnecting, Lang::En) => "Connecting",
        (StreamLost, Lang::Zh) => "已断开，正在重连",
        (StreamLost, Lang::En) => "Lost, reconnecting",
        (Unclaimed, Lang::Zh) => "未认领",
        (Unclaimed, Lang::En) => "Unclaimed",
        (Unread, Lang::Zh) => "未读消息",
        (Unread, Lang::En) => "Unread messages",
        (Claim, Lang::Zh) => "认领",
        (Claim, Lang::En) => "Claim",
        (Open, Lang::Zh) => "打开",
        (Open, Lang::En) => "Open",
        (PickCase, Lang::Zh) => "在左侧队列中认领或打开一个案件。",
        (PickCase, Lang::En) => "Claim or open a case from the queue.",
        (BackToQueue, Lang::Zh) => "← 队列",
        (BackToQueue, Lang::En) => "← Queue",
        (HandOver, Lang::Zh) => "转交",
        (HandOver, Lang::En) => "Hand over",
        (HandOverTo, Lang::Zh) => "转交给（登录名）",
        (HandOverTo, Lang::En) => "To (login)",
        (HandOverWho, Lang::Zh) => "请填写接手客服的登录名",
        (HandOverWho, Lang::En) => "Enter the login of the agent to hand over to",
        (CloseCase, Lang::Zh) => "结案",
        (CloseCase, Lang::En) => "Close case",
        (CloseSure, Lang::Zh) => "结案后行程分享随之结束。",
        (CloseSure, Lang::En) => "Closing ends the trip's share with it.",
        (Cancel, Lang::Zh) => "取消",
        (Cancel, Lang::En) => "Cancel",
        (Tourist, Lang::Zh) => "游客",
        (Tourist, Lang::En) => "Tourist",
        (Agent, Lang::Zh) => "客服",
        (Agent, Lang::En) => "Agent",
        (System, Lang::Zh) => "系统",
        (System, Lang::En) => "System",
        (ReplyIn, Lang::Zh) => "回复语言",
        (ReplyIn, Lang::En) => "Reply in",
        (TypeHere, Lang::Zh) => "输入给游客的消息",
        (TypeHere, Lang::En) => "Write to the tourist",
        (Send, Lang::Zh) => "发送",
        (Send, Lang::En) => "Send",
        (SendPlace, Lang::Zh) => "发送地点",
        (SendPlace, Lang::En) => "Send a place",
        (PlacePrefix, Lang::Zh) => "地点：",
        (PlacePrefix, Lang::En) => "Place: ",
        (FindPlace, Lang::Zh) => "查找地点",
        (FindPlace, Lang::En) => "Find a place",
        (TripPlaces, Lang::Zh) => "行程中的地点",
        (TripPlaces, Lang::En) => "On the trip",
        (RegionSights, Lang::Zh) => "景区景点",
        (RegionSights, Lang::En) => "Sights of the region",
        (TripTitle, Lang::Zh) => "共享行程",
        (TripTitle, Lang::En) => "Shared trip",
        (SharedUntil, Lang::Zh) => "分享至",
        (SharedUntil, Lang::En) => "shared until",
        (ShareEnded, Lang::Zh) => "游客已结束分享，行程不再可见。",
        (ShareEnded, Lang::En) => "The tourist ended the share: the trip is no longer visible.",
        (ClosedShareEnded, Lang::Zh) => "案件已结案，行程分享随之结束。",
        (ClosedShareEnded, Lang::En) => "The case is closed; the trip's share ended with it.",
        (NoTripShared, Lang::Zh) => "这个案件没有共享行程。",
        (NoTripShared, Lang::En) => "No trip was shared with this case.",
        (Passes, Lang::Zh) => "票券",
        (Passes, Lang::En) => "Passes",
        (PassUnused, Lang::Zh) => "未使用",
        (PassUnused, Lang::En) => "not used",
        (PassUsed, Lang::Zh) => "已使用",
        (PassUsed, Lang::En) => "used",
        (PassRevoked, Lang::Zh) => "已作废",
        (PassRevoked, Lang::En) => "revoked",
        (Reissue, Lang::Zh) => "重新出票",
        (Reissue, Lang::En) => "Re-issue",
        (ReissueSure, Lang::Zh) => "旧票将作废。",
        (ReissueSure, Lang::En) => "The old pass will be revoked.",
        (Reissued, Lang::Zh) => "已重新出票，旧票已作废",
        (Reissued, Lang::En) => "Re-issued; the old pass is revoked",
        (ActionUnavailable, Lang::Zh) => "这个平台还不能由客服办理退款或重新出票（接口尚未开放）。",
        (ActionUnavailable, Lang::En) => {
            "This platform does not offer agents' refunds or re-issues yet (no such endpoint)."
        }
        (NoMap, Lang::Zh) => "没有位置信息可画地图。",
        (NoMap, Lang::En) => "No positions to draw a map from.",
        (TouristHere, Lang::Zh) => "游客位置",
        (TouristHere, Lang::En) => "Tourist",
        (MapLabel, Lang::Zh) => "游客位置与行程地点示意图",
        (MapLabel, Lang::En) => "Sketch of the tourist's position and the trip's places",
        (MapCaption, Lang::Zh) => "示意图：编号为行程顺序，北在上。",
        (MapCaption, Lang::En) => "Sketch: numbers follow the trip, north is up.",
        (WaysOutTitle, Lang::Zh) => "行程受影响",
        (WaysOutTitle, Lang::En) => "Disrupted",
        (WaysOutExpires, Lang::Zh) => "未处理将于此时自动退款：",
        (WaysOutExpires, Lang::En) => "Left alone, it is refunded at",
        (WayOutPick, Lang::Zh) => "为游客办理…",
        (WayOutPick, Lang::En) => "Apply for the tourist…",
        (WayOutSure, Lang::Zh) => "为游客办理：",
        (WayOutSure, Lang::En) => "Apply for the tourist:",
        (WayOutConfirm, Lang::Zh) => "确认办理",
        (WayOutConfirm, Lang::En) => "Confirm",
        (WayOutDone, Lang::Zh) => "已为游客办理",
        (WayOutDone, Lang::En) => "Done for the tourist",
        (WayOutRefund, Lang::Zh) => "退还",
        (WayOutRefund, Lang::En) => "Back",
        (WayOutPriceDifference, Lang::Zh) => "差价（不收取）",
        (WayOutPriceDifference, Lang::En) => "Price difference (not charged)",
        (WayOutCompensation, Lang::Zh) => "补偿",
        (WayOutCompensation, Lang::En) => "Compensation",
        (RefundTitle, Lang::Zh) => "退款",
        (RefundTitle, Lang::En) => "Refunds",
        (RefundShow, Lang::Zh) => "查看可退项目",
        (RefundShow, Lang::En) => "What may be refunded",
        (Hide, Lang::Zh) => "收起",
        (Hide, Lang::En) => "Hide",
        (RefundNone, Lang::Zh) => "没有可退的项目。",
        (RefundNone, Lang::En) => "Nothing on this trip may be refunded.",
        (RefundPick, Lang::Zh) => "退款…",
        (RefundPick, Lang::En) => "Refund…",
        (RefundSure, Lang::Zh) => "按规则退还游客",
        (RefundSure, Lang::En) => "Refund the tourist under its rule:",
        (RefundConfirm, Lang::Zh) => "确认退款",
        (RefundConfirm, Lang::En) => "Confirm refund",
        (Refunded, Lang::Zh) => "已退款",
        (Refunded, Lang::En) => "Refunded",
        (Paid, Lang::Zh) => "实付",
        (Paid, Lang::En) => "paid",
        (Back, Lang::Zh) => "可退",
        (Back, Lang::En) => "back",
    }
}

pub fn category(lang: Lang, category: CaseCategory) -> &'static str {
    match (category, lang) {
        (CaseCategory::GateRefused, Lang::Zh) => "闸机拒绝入园",
        (CaseCategory::GateRefused, Lang::En) => "Refused at a gate",
        (CaseCategory::Transport, Lang::Zh) => "交通",
        (CaseCategory::Transport, Lang::En) => "Transport",
        (CaseCategory::Booking, Lang::Zh) => "预订问题",
        (CaseCategory::Booking, Lang::En) => "Booking",
        (CaseCategory::Safety, Lang::Zh) => "安全求助",
        (CaseCategory::Safety, Lang::En) => "Safety",
        (CaseCategory::Other, Lang::Zh) => "其他",
        (CaseCategory::Other, Lang::En) => "Other",
    }
}

pub fn case_state(lang: Lang, state: CaseState) -> &'static str {
    match (state, lang) {
        (CaseState::Waiting, Lang::Zh) => "等待认领",
        (CaseState::Waiting, Lang::En) => "waiting",
        (CaseState::Claimed, Lang::Zh) => "处理中",
        (CaseState::Claimed, Lang::En) => "being handled",
        (CaseState::Closed, Lang::Zh) => "已结案",
        (CaseState::Closed, Lang::En) => "closed",
    }
}

pub fn item_status(lang: Lang, status: ItemStatus) -> &'static str {
    match (status, lang) {
        (ItemStatus::Held, Lang::Zh) => "保留中",
        (ItemStatus::Held, Lang::En) => "held",
        (ItemStatus::Confirmed, Lang::Zh) => "已确认",
        (ItemStatus::Confirmed, Lang::En) => "confirmed",
        (ItemStatus::Failed, Lang::Zh) => "失败",
        (ItemStatus::Failed, Lang::En) => "failed",
        (ItemStatus::Adjusted, Lang::Zh) => "已调整",
        (ItemStatus::Adjusted, Lang::En) => "adjusted",
        (ItemStatus::Cancelled, Lang::Zh) => "已取消",
        (ItemStatus::Cancelled, Lang::En) => "cancelled",
        (ItemStatus::Used, Lang::Zh) => "已使用",
        (ItemStatus::Used, Lang::En) => "used",
        (ItemStatus::Planned, Lang::Zh) => "自行安排",
        (ItemStatus::Planned, Lang::En) => "own plan",
    }
}

pub fn kind_label(lang: Lang, kind: &ItemKind) -> &'static str {
    match (kind, lang) {
        (ItemKind::Entry { .. }, Lang::Zh) => "入园",
        (ItemKind::Entry { .. }, Lang::En) => "Entry",
        (ItemKind::Ride { .. }, Lang::Zh) => "索道",
        (ItemKind::Ride { .. }, Lang::En) => "Lift",
        (ItemKind::Shuttle { .. }, Lang::Zh) => "接驳车",
        (ItemKind::Shuttle { .. }, Lang::En) => "Shuttle",
        (ItemKind::HotelCheckIn { .. }, Lang::Zh) => "入住",
        (ItemKind::HotelCheckIn { .. }, Lang::En) => "Check-in",
        (ItemKind::HotelCheckOut { .. }, Lang::Zh) => "退房",
        (ItemKind::HotelCheckOut { .. }, Lang::En) => "Check-out",
        (ItemKind::Rental { .. }, Lang::Zh) => "租用",
        (ItemKind::Rental { .. }, Lang::En) => "Rental",
        (ItemKind::Visit { .. }, Lang::Zh) => "自行游览",
        (ItemKind::Visit { .. }, Lang::En) => "Own visit",
    }
}

/// A reply an agent sends often, in the tourist's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Canned {
    Greeting,
    LookingIntoIt,
    ShowPassAtGate,
    RefundOnItsWay,
}

impl Canned {
    pub const ALL: [Canned; 4] = [
        Canned::Greeting,
        Canned::LookingIntoIt,
        Canned::ShowPassAtGate,
        Canned::RefundOnItsWay,
    ];

    /// Its name for tests and the page (`data-key`).
    pub fn key(self) -> &'static str {
        match self {
            Canned::Greeting => "greeting",
            Canned::LookingIntoIt => "looking-into-it",
            Canned::ShowPassAtGate => "show-pass",
            Canned::RefundOnItsWay => "refund-on-its-way",
        }
    }
}

/// The button's label, in the desk's language.
pub fn canned_label(lang: Lang, canned: Canned) -> &'static str {
    match (canned, lang) {
        (Canned::Greeting, Lang::Zh) => "问候",
        (Canned::Greeting, Lang::En) => "Greeting",
        (Canned::LookingIntoIt, Lang::Zh) => "正在处理",
        (Canned::LookingIntoIt, Lang::En) => "Looking into it",
        (Canned::ShowPassAtGate, Lang::Zh) => "闸机出示票券",
        (Canned::ShowPassAtGate, Lang::En) => "Show the pass",
        (Canned::RefundOnItsWay, Lang::Zh) => "退款在路上",
        (Canned::RefundOnItsWay, Lang::En) => "Refund on its way",
    }
}

/// The reply itself, in the language the tourist is answered in.
pub fn canned_text(lang: Lang, canned: Canned) -> &'static str {
    match (canned, lang) {
        (Canned::Greeting, Lang::Zh) => "您好，我是通游客服，很高兴为您服务。",
        (Canned::Greeting, Lang::En) => "Hello, this is Tongyou support. How can I help?",
        (Canned::LookingIntoIt, Lang::Zh) => "我们正在为您处理，请稍候。",
        (Canned::LookingIntoIt, Lang::En) => "We are looking into it; please bear with us.",
        (Canned::ShowPassAtGate, Lang::Zh) => "请在闸机处出示这张票券的二维码。",
        (Canned::ShowPassAtGate, Lang::En) => "Please show this pass's QR code at the gate.",
        (Canned::RefundOnItsWay, Lang::Zh) => "您的退款已在办理中，将原路退回。",
        (Canned::RefundOnItsWay, Lang::En) => "Your refund is on its way, back to how you paid.",
    }
}

const LANG_KEY: &str = "tongyou-console-lang";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The language last chosen on this browser, else the browser's own.
pub fn first_lang() -> Lang {
    let saved = storage().and_then(|s| s.get_item(LANG_KEY).ok().flatten());
    let browser = || web_sys::window().and_then(|w| w.navigator().language());
    saved
        .or_else(browser)
        .map_or(Lang::Zh, |tag| Lang::from_tag(&tag))
}

/// Remembers the language chosen on this browser.
pub fn save_lang(lang: Lang) {
    if let Some(s) = storage() {
        let _ = s.set_item(LANG_KEY, lang.tag());
    }
}

/// Says the language to the page (fonts, screen readers).
pub fn show_lang(lang: Lang) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", lang.tag());
    }
}
