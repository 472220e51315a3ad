//! The UI's own words in Chinese and English.
//!
//! Catalog content arrives bilingual from the data files; only the interface's fixed
//! words live here. One `match` per message means a message without both languages does
//! not compile, which is the guarantee an i18n crate would give us, without pulling a
//! second reactive runtime and ICU data into a bundle that has to stay small.

use leptos::prelude::{Get, RwSignal};
use tongyou_core::api::{
    ItemStatus, OrderState, PassState, PaymentState, PlanParty, Profile, Provider, StepKind,
    SubOrderState,
};
use tongyou_core::catalog::{Fen, HotelArea, LiftKind, SightKind};
use tongyou_core::clock::ClockTime;
use tongyou_core::guide::{PoiKind, TrailKind};
use tongyou_core::text::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    AppName,
    DemoData,
    Online,
    Offline,
    Connecting,
    SyncedAt,
    NeverSynced,
    Sights,
    Lifts,
    Hotels,
    Shuttles,
    EntryTicket,
    AlwaysOpen,
    TodayHours,
    OneWay,
    From,
    NextDepartures,
    NoMoreToday,
    FirstTomorrow,
    RoomTypes,
    Loading,
    NoDataTitle,
    NoDataBody,
    Retry,
    SummitArea,
    TownArea,
    Language,
    ErrorPrefix,
    Dismiss,
    TooSoon,
    WrongCode,
    NavDiscover,
    NavBook,
    NavOrders,
    RemindersTitle,
    RemindersHint,
    NavTrip,
    TripTitle,
    NoTrip,
    NoTripHint,
    NowLabel,
    NextLabel,
    TripOver,
    TripNotStarted,
    Bring,
    AsOf,
    CalendarTitle,
    DisruptionTitle,
    DecideBy,
    WayDelay,
    WaySwap,
    WayRefund,
    PriceDifference,
    NotCharged,
    BackToYou,
    Compensation,
    ChooseWay,
    Rebooking,
    StepHold,
    StepRelease,
    StepPasses,
    StepMoney,
    WayApplied,
    CalendarHint,
    ExportIcs,
    SavedTo,
    SubscribeFeed,
    FeedHint,
    EndFeed,
    FeedEnded,
    NoFeed,
    ShowPass,
    Plate,
    Driver,
    NotAssigned,
    CheckInLabel,
    CheckOutLabel,
    EntryLabel,
    RideLabel,
    ShuttleLabel,
    RentalLabel,
    TripEmptyNow,
    NavMe,
    SignInTitle,
    SignInHint,
    Mobile,
    SendCode,
    Resend,
    CodeSentTo,
    Code,
    SignIn,
    SignOut,
    MyData,
    ExportData,
    DeleteAccount,
    DeleteAccountWarning,
    ConfirmDelete,
    KeepAccount,
    SignedInAs,
    Travellers,
    TravellersHint,
    AddTraveller,
    Name,
    IdKind,
    ResidentId,
    Passport,
    IdNumber,
    PrivacyNotice,
    PrivacyConsent,
    BirthDate,
    BirthDateHint,
    Save,
    Saving,
    TravellerSaved,
    NoTravellers,
    Remove,
    BookTitle,
    BookHint,
    VisitDate,
    EntrySlot,
    NoEntry,
    SoldOut,
    Party,
    Student,
    SignInToBook,
    AddTravellerFirst,
    AddOns,
    AddHotel,
    RoomType,
    Rooms,
    Nights,
    AddShuttle,
    Line,
    Departure,
    Payment,
    Wallet,
    WechatPay,
    Alipay,
    PriceBreakdown,
    Total,
    YouSave,
    Pay,
    Paying,
    QuoteEmpty,
    FixFields,
    OrderFailedWhat,
    ChoicesKept,
    PaymentRow,
    OfflineNotSent,
    SessionExpired,
    OfflineNow,
    OffersApplied,
    OrdersTitle,
    NoOrders,
    Refunded,
    Passes,
    AllOrders,
    BackToBook,
    CashierTitle,
    CashierDemo,
    CashierPay,
    CashierCancel,
    HoldsUntil,
    Refresh,
    SubOrders,
    OrderTotal,
    ShowInTickets,
    CancelOrder,
    CancelAsk,
    CancelAskHint,
    CancelYes,
    CancelKeep,
    Cancelling,
    RefundRules,
    NoRefundRule,
    CancelWaiting,
    CancelWaitingHint,
    CancelQueued,
    TravellerKept,
    RetriedOnline,
    Outbox,
    OutboxHint,
    OutboxRefused,
    NotYetSaved,
    GotIt,
    NavTickets,
    TicketsTitle,
    TicketsHint,
    Today,
    Upcoming,
    Past,
    PassValid,
    PassVoid,
    PassUsed,
    Holder,
    Gates,
    AnyGate,
    NoTickets,
    GoBook,
    WalletOffline,
    WalletNotRefreshed,
    Close,
    ShowAtGate,
    VoidExplain,
    UsedExplain,
    GateMode,
    GateModeHint,
    GateSignInTitle,
    GateSignInHint,
    GatePick,
    GateStart,
    NotGateStaff,
    Staff,
    Keys,
    RevokedKnown,
    LastSync,
    PendingUploads,
    AdmittedToday,
    RefusedToday,
    SyncNow,
    Syncing,
    SyncFailed,
    SyncOffline,
    SyncSignedOut,
    SyncPlatform,
    SyncDevice,
    CheckPass,
    PasteCode,
    Verify,
    Verifying,
    Clear,
    LoadImage,
    LoadImageHint,
    PictureUnreadable,
    Admit,
    Refuse,
    CheckedAt,
    LeaveGateMode,
    NavPlan,
    PlanTitle,
    PlanHint,
    PlanStart,
    PlanDays,
    PlanAdults,
    PlanSeniors,
    PlanChildren,
    PlanAddChild,
    PlanChildAge,
    PlanProfile,
    PlanBudget,
    PlanBudgetHint,
    PlanMake,
    PlanMaking,
    PlanOffline,
    PlanBlocked,
    PlanCrowds,
    PlanWhy,
    PlanOpen,
    PlanBack,
    PlanBookTitle,
    PlanBook,
    PlanOnTheDay,
    PlanPaidNow,
    PlanSignInFirst,
    PlanNoneTicked,
    PlanNotSent,
    PlanResults,
    PlanBudgetInvalid,
    PlanSignInToBook,
    Fewer,
    More,
    HelpButton,
    HelpTitle,
    HelpAbout,
    HelpSignInFirst,
    HelpWhat,
    HelpMessage,
    HelpShareTrip,
    HelpWhere,
    HelpNoPlace,
    HelpSend,
    HelpScreenTitle,
    HelpScreenHint,
    HelpNew,
    HelpCases,
    HelpNoCases,
    HelpQueued,
    HelpNoMessages,
    SharesTitle,
    SharesHint,
    ShareTrip,
    ShareLinkMade,
    NoShares,
    ShareEnd,
    Send,
    HelpMine,
    GuideOpen,
    GuideOpenHint,
    GuideTitle,
    GuideBack,
    GuidePackTitle,
    GuidePackHint,
    GuideGet,
    GuideUpdate,
    GuideCheck,
    GuideNeedsNetwork,
    GuideUpdateDue,
    GuideNoRegion,
    GuideModes,
    ModePanorama,
    ModeMap,
    ModeCamera,
    CameraUnavailable,
    Viewpoint,
    TurnLeft,
    TurnRight,
    PanoramaAria,
    PanoramaHint,
    InView,
    AlsoHere,
    OpenHours,
    ReadAloud,
    CrowdNowLabel,
    WalkingRoute,
    FaceIt,
    YouAreHere,
    NotInGuide,
    GuideDemo,
    MapAria,
    MapHint,
    RouteTo,
    RoutePick,
    RouteAsk,
    WhoWalks,
    WalkerAdult,
    WalkerChild,
    WalkerSenior,
    OpenInGuide,
    AddToDay,
    VisitDay,
    VisitTime,
    AddVisit,
    OnMyDay,
    SeeOnTimeline,
    VisitLabel,
    RemoveVisit,
}

/// `msg` in the language the user chose, kept current as they switch: the view's text.
/// One closure type for every fixed message, so the bundle carries one copy of its
/// rendering code rather than one per place it is shown.
pub fn tr(
    lang: RwSignal<Lang>,
    msg: Msg,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    move || t(lang.get(), msg)
}

pub fn t(lang: Lang, msg: Msg) -> &'static str {
    use Msg::*;
    match (msg, lang) {
        (AppName, Lang::Zh) => "通游",
        (AppName, Lang::En) => "Tongyou",
        (DemoData, Lang::Zh) => "演示数据：价格与数据均为近似值，不是官方信息",
        (DemoData, Lang::En) => "Demo data: prices and figures are approximate, not official",
        (Online, Lang::Zh) => "在线",
        (Online, Lang::En) => "Online",
        (Offline, Lang::Zh) => "离线",
        (Offline, Lang::En) => "Offline",
        (Connecting, Lang::Zh) => "连接中…",
        (Connecting, Lang::En) => "Connecting…",
        (SyncedAt, Lang::Zh) => "数据更新于",
        (SyncedAt, Lang::En) => "Data from",
        (NeverSynced, Lang::Zh) => "尚未同步",
        (NeverSynced, Lang::En) => "Not synced yet",
        (Sights, Lang::Zh) => "景点",
        (Sights, Lang::En) => "Sights",
        (Lifts, Lang::Zh) => "索道与缆车",
        (Lifts, Lang::En) => "Cable cars",
        (Hotels, Lang::Zh) => "酒店",
        (Hotels, Lang::En) => "Hotels",
        (Shuttles, Lang::Zh) => "换乘接驳车",
        (Shuttles, Lang::En) => "Shuttles",
        (EntryTicket, Lang::Zh) => "门票",
        (EntryTicket, Lang::En) => "Entry ticket",
        (AlwaysOpen, Lang::Zh) => "全天开放",
        (AlwaysOpen, Lang::En) => "Open all day",
        (TodayHours, Lang::Zh) => "今日运营",
        (TodayHours, Lang::En) => "Today",
        (OneWay, Lang::Zh) => "单程",
        (OneWay, Lang::En) => "one way",
        (From, Lang::Zh) => "起",
        (From, Lang::En) => "from",
        (NextDepartures, Lang::Zh) => "下一班",
        (NextDepartures, Lang::En) => "Next",
        (NoMoreToday, Lang::Zh) => "今日已停运",
        (NoMoreToday, Lang::En) => "No more today",
        (FirstTomorrow, Lang::Zh) => "明日首班",
        (FirstTomorrow, Lang::En) => "first tomorrow",
        (RoomTypes, Lang::Zh) => "种房型",
        (RoomTypes, Lang::En) => "room types",
        (Loading, Lang::Zh) => "正在加载…",
        (Loading, Lang::En) => "Loading…",
        (NoDataTitle, Lang::Zh) => "还没有离线数据",
        (NoDataTitle, Lang::En) => "No offline data yet",
        (NoDataBody, Lang::Zh) => "首次使用需要联网一次，下载景区资料后即可离线使用。",
        (NoDataBody, Lang::En) => {
            "Connect once to download the region; after that it works offline."
        }
        (Retry, Lang::Zh) => "重试",
        (Retry, Lang::En) => "Try again",
        (SummitArea, Lang::Zh) => "山上",
        (SummitArea, Lang::En) => "On the mountain",
        (TownArea, Lang::Zh) => "山下小镇",
        (TownArea, Lang::En) => "In town",
        (Language, Lang::Zh) => "语言",
        (Language, Lang::En) => "Language",
        (ErrorPrefix, Lang::Zh) => "出错了：",
        (ErrorPrefix, Lang::En) => "Something went wrong:",
        (Dismiss, Lang::Zh) => "关闭",
        (Dismiss, Lang::En) => "Dismiss",
        (TooSoon, Lang::Zh) => "操作太频繁，请稍后再试",
        (TooSoon, Lang::En) => "Too soon; please wait a moment and try again",
        (WrongCode, Lang::Zh) => "验证码不对或已过期，请重新获取",
        (WrongCode, Lang::En) => "The code is wrong or has expired; ask for a new one",
        (NavDiscover, Lang::Zh) => "发现",
        (NavDiscover, Lang::En) => "Discover",
        (NavBook, Lang::Zh) => "预订",
        (NavBook, Lang::En) => "Book",
        (NavTrip, Lang::Zh) => "行程",
        (NavTrip, Lang::En) => "Trip",
        (TripTitle, Lang::Zh) => "我的行程",
        (TripTitle, Lang::En) => "My trip",
        (NoTrip, Lang::Zh) => "还没有行程",
        (NoTrip, Lang::En) => "No trip yet",
        (NoTripHint, Lang::Zh) => {
            "预订门票、索道、酒店或接驳车后，整趟行程会按时间排在这里，离线也能看。"
        }
        (NoTripHint, Lang::En) => {
            "Book a ticket, a ride, a hotel or a shuttle and the whole trip appears here in time order, readable offline."
        }
        (NowLabel, Lang::Zh) => "正在进行",
        (NowLabel, Lang::En) => "Now",
        (NextLabel, Lang::Zh) => "接下来",
        (NextLabel, Lang::En) => "Next",
        (TripOver, Lang::Zh) => "行程已结束",
        (TripOver, Lang::En) => "This trip is over",
        (TripNotStarted, Lang::Zh) => "行程尚未开始",
        (TripNotStarted, Lang::En) => "The trip has not started",
        (Bring, Lang::Zh) => "请带上",
        (Bring, Lang::En) => "Bring",
        (AsOf, Lang::Zh) => "离线：数据截至",
        (AsOf, Lang::En) => "Offline: as of",
        (DisruptionTitle, Lang::Zh) => "行程受影响",
        (DisruptionTitle, Lang::En) => "Your trip is affected",
        (DecideBy, Lang::Zh) => "请在此前选择，逾期将自动全额退款：",
        (DecideBy, Lang::En) => "Choose by then; after it, the refund applies:",
        (WayDelay, Lang::Zh) => "整体推迟一天",
        (WayDelay, Lang::En) => "Delay one day",
        (WaySwap, Lang::Zh) => "换一个",
        (WaySwap, Lang::En) => "Swap",
        (WayRefund, Lang::Zh) => "全额退款",
        (WayRefund, Lang::En) => "Full refund",
        (PriceDifference, Lang::Zh) => "差价",
        (PriceDifference, Lang::En) => "Price difference",
        (NotCharged, Lang::Zh) => "不收取",
        (NotCharged, Lang::En) => "not charged",
        (BackToYou, Lang::Zh) => "退还",
        (BackToYou, Lang::En) => "Back to you",
        (Compensation, Lang::Zh) => "补偿",
        (Compensation, Lang::En) => "Compensation",
        (ChooseWay, Lang::Zh) => "选这个",
        (ChooseWay, Lang::En) => "Choose this",
        (Rebooking, Lang::Zh) => "正在改订，全部成功或全部不变…",
        (Rebooking, Lang::En) => "Re-booking: all of it or none…",
        (StepHold, Lang::Zh) => "新项目已确认",
        (StepHold, Lang::En) => "New bookings confirmed",
        (StepRelease, Lang::Zh) => "原项目已释放",
        (StepRelease, Lang::En) => "Old bookings given back",
        (StepPasses, Lang::Zh) => "新票 / 已作废的旧票",
        (StepPasses, Lang::En) => "New passes / old passes void",
        (StepMoney, Lang::Zh) => "退款",
        (StepMoney, Lang::En) => "Refunded",
        (WayApplied, Lang::Zh) => "已按你的选择处理",
        (WayApplied, Lang::En) => "Done as you chose",
        (CalendarTitle, Lang::Zh) => "加入日历",
        (CalendarTitle, Lang::En) => "Add to calendar",
        (CalendarHint, Lang::Zh) => "导出的文件不需要网络；订阅链接会随行程变动自动更新。",
        (CalendarHint, Lang::En) => {
            "The file needs no network; a subscription follows every change to the trip."
        }
        (ExportIcs, Lang::Zh) => "导出日历文件 (.ics)",
        (ExportIcs, Lang::En) => "Export calendar file (.ics)",
        (SavedTo, Lang::Zh) => "已保存",
        (SavedTo, Lang::En) => "Saved",
        (SubscribeFeed, Lang::Zh) => "生成订阅链接",
        (SubscribeFeed, Lang::En) => "Make a subscription link",
        (FeedHint, Lang::Zh) => {
            "在日历应用中选择“通过网址订阅”并粘贴此链接。此链接只显示这一次。持有链接的人可以看到行程的时间和地点（不含姓名和证件号）。再次生成或停止后，旧链接失效。"
        }
        (FeedHint, Lang::En) => {
            "In your calendar app, choose \"subscribe by URL\" and paste this link. It is shown only now. Whoever has it sees the trip's times and places (no names or ID numbers). Making a new one, or stopping it, ends the old link."
        }
        (EndFeed, Lang::Zh) => "停止订阅链接",
        (EndFeed, Lang::En) => "Stop the subscription link",
        (FeedEnded, Lang::Zh) => "订阅链接已停止，旧链接不再可用。",
        (FeedEnded, Lang::En) => "The subscription link is stopped; it no longer works.",
        (NoFeed, Lang::Zh) => "这个行程没有正在使用的订阅链接。",
        (NoFeed, Lang::En) => "This trip has no subscription link in use.",
        (ShowPass, Lang::Zh) => "出示票码",
        (ShowPass, Lang::En) => "Show pass",
        (Plate, Lang::Zh) => "车牌",
        (Plate, Lang::En) => "Plate",
        (Driver, Lang::Zh) => "司机",
        (Driver, Lang::En) => "Driver",
        (NotAssigned, Lang::Zh) => "车辆将于出发前一晚安排",
        (NotAssigned, Lang::En) => "Vehicle assigned the evening before",
        (CheckInLabel, Lang::Zh) => "入住",
        (CheckInLabel, Lang::En) => "Check-in",
        (CheckOutLabel, Lang::Zh) => "退房",
        (CheckOutLabel, Lang::En) => "Check-out",
        (EntryLabel, Lang::Zh) => "入园",
        (EntryLabel, Lang::En) => "Entry",
        (RideLabel, Lang::Zh) => "乘坐",
        (RideLabel, Lang::En) => "Ride",
        (ShuttleLabel, Lang::Zh) => "接驳车",
        (ShuttleLabel, Lang::En) => "Shuttle",
        (RentalLabel, Lang::Zh) => "领取",
        (RentalLabel, Lang::En) => "Pick up",
        (TripEmptyNow, Lang::Zh) => "行程中没有待进行的项目",
        (TripEmptyNow, Lang::En) => "Nothing left to do on this trip",
        (RemindersTitle, Lang::Zh) => "行程提醒",
        (RemindersTitle, Lang::En) => "Trip reminders",
        (RemindersHint, Lang::Zh) => {
            "入园时段、班车出发和酒店入住前提醒你，每天早上还有当天行程概要；离线也会提醒。"
        }
        (RemindersHint, Lang::En) => {
            "Before each entry slot, shuttle departure and hotel check-in, and each morning the day's plan; they come offline too."
        }
        (NavOrders, Lang::Zh) => "订单",
        (NavOrders, Lang::En) => "Orders",
        (NavMe, Lang::Zh) => "我的",
        (NavMe, Lang::En) => "Me",
        (SignInTitle, Lang::Zh) => "登录",
        (SignInTitle, Lang::En) => "Sign in",
        (SignInHint, Lang::Zh) => "用手机号和短信验证码登录，无需密码。",
        (SignInHint, Lang::En) => {
            "Sign in with your mobile number and a text-message code; no password."
        }
        (Mobile, Lang::Zh) => "手机号",
        (Mobile, Lang::En) => "Mobile number",
        (SendCode, Lang::Zh) => "获取验证码",
        (SendCode, Lang::En) => "Send code",
        (Resend, Lang::Zh) => "重新发送",
        (Resend, Lang::En) => "Send again",
        (CodeSentTo, Lang::Zh) => "验证码已发送至",
        (CodeSentTo, Lang::En) => "Code sent to",
        (Code, Lang::Zh) => "验证码",
        (Code, Lang::En) => "Code",
        (SignIn, Lang::Zh) => "登录",
        (SignIn, Lang::En) => "Sign in",
        (SignOut, Lang::Zh) => "退出登录",
        (SignOut, Lang::En) => "Sign out",
        (MyData, Lang::Zh) => "我的数据",
        (MyData, Lang::En) => "My data",
        (ExportData, Lang::Zh) => "导出我的数据",
        (ExportData, Lang::En) => "Export my data",
        (DeleteAccount, Lang::Zh) => "注销账户",
        (DeleteAccount, Lang::En) => "Delete my account",
        (DeleteAccountWarning, Lang::Zh) => {
            "注销后，常用旅客、证件号码和登录状态立即删除且无法恢复；订单只保留财务必需的信息。"
        }
        (DeleteAccountWarning, Lang::En) => {
            "Deleting removes your saved travellers, their ID numbers and your sessions at once, for good; orders keep only what accounting needs."
        }
        (ConfirmDelete, Lang::Zh) => "确认注销",
        (ConfirmDelete, Lang::En) => "Delete for good",
        (KeepAccount, Lang::Zh) => "不注销",
        (KeepAccount, Lang::En) => "Keep my account",
        (SignedInAs, Lang::Zh) => "已登录",
        (SignedInAs, Lang::En) => "Signed in as",
        (Travellers, Lang::Zh) => "常用旅客",
        (Travellers, Lang::En) => "Saved travellers",
        (TravellersHint, Lang::Zh) => "实名购票需要证件信息；证件号码只以掩码显示。",
        (TravellersHint, Lang::En) => {
            "Real-name tickets need an ID; ID numbers are only ever shown masked."
        }
        (AddTraveller, Lang::Zh) => "添加旅客",
        (AddTraveller, Lang::En) => "Add a traveller",
        (Name, Lang::Zh) => "姓名（与证件一致）",
        (Name, Lang::En) => "Name (as on the ID)",
        (IdKind, Lang::Zh) => "证件类型",
        (IdKind, Lang::En) => "ID type",
        (ResidentId, Lang::Zh) => "居民身份证",
        (ResidentId, Lang::En) => "Resident ID card",
        (Passport, Lang::Zh) => "护照",
        (Passport, Lang::En) => "Passport",
        (IdNumber, Lang::Zh) => "证件号码",
        (IdNumber, Lang::En) => "ID number",
        (PrivacyNotice, Lang::Zh) => "隐私声明",
        (PrivacyNotice, Lang::En) => "Privacy notice",
        (PrivacyConsent, Lang::Zh) => {
            "我已阅读并同意隐私声明：通游为实名购票加密保存并使用旅客的证件号码"
        }
        (PrivacyConsent, Lang::En) => {
            "I have read and agree to the privacy notice: Tongyou keeps travellers' ID numbers encrypted and uses them for real-name tickets"
        }
        (BirthDate, Lang::Zh) => "出生日期",
        (BirthDate, Lang::En) => "Birth date",
        (BirthDateHint, Lang::Zh) => "护照必填；身份证可不填，从号码读取",
        (BirthDateHint, Lang::En) => "Required for a passport; read from a resident ID otherwise",
        (Save, Lang::Zh) => "保存",
        (Save, Lang::En) => "Save",
        (Saving, Lang::Zh) => "正在保存…",
        (Saving, Lang::En) => "Saving…",
        (TravellerSaved, Lang::Zh) => "已保存旅客",
        (TravellerSaved, Lang::En) => "Traveller saved",
        (NoTravellers, Lang::Zh) => "还没有常用旅客",
        (NoTravellers, Lang::En) => "No saved travellers yet",
        (Remove, Lang::Zh) => "删除",
        (Remove, Lang::En) => "Remove",
        (BookTitle, Lang::Zh) => "预订组合",
        (BookTitle, Lang::En) => "Book a combo",
        (BookHint, Lang::Zh) => "门票、索道、酒店、换乘车一单搞定，价格随选随算。",
        (BookHint, Lang::En) => {
            "Ticket, cable cars, hotel and shuttle in one order, priced as you choose."
        }
        (VisitDate, Lang::Zh) => "游览日期",
        (VisitDate, Lang::En) => "Visit date",
        (EntrySlot, Lang::Zh) => "入园时段",
        (EntrySlot, Lang::En) => "Entry time slot",
        (NoEntry, Lang::Zh) => "不买门票",
        (NoEntry, Lang::En) => "No entry ticket",
        (SoldOut, Lang::Zh) => "已售罄",
        (SoldOut, Lang::En) => "sold out",
        (Party, Lang::Zh) => "出行旅客",
        (Party, Lang::En) => "Who is going",
        (Student, Lang::Zh) => "全日制学生",
        (Student, Lang::En) => "Full-time student",
        (SignInToBook, Lang::Zh) => "登录后可选择常用旅客并付款",
        (SignInToBook, Lang::En) => "Sign in to choose travellers and pay",
        (AddTravellerFirst, Lang::Zh) => "先在“我的”里添加常用旅客",
        (AddTravellerFirst, Lang::En) => "Add a saved traveller under Me first",
        (AddOns, Lang::Zh) => "索道与租赁",
        (AddOns, Lang::En) => "Cable cars and rentals",
        (AddHotel, Lang::Zh) => "加订酒店",
        (AddHotel, Lang::En) => "Add a hotel",
        (RoomType, Lang::Zh) => "房型",
        (RoomType, Lang::En) => "Room type",
        (Rooms, Lang::Zh) => "房间数",
        (Rooms, Lang::En) => "Rooms",
        (Nights, Lang::Zh) => "晚数",
        (Nights, Lang::En) => "Nights",
        (AddShuttle, Lang::Zh) => "添加换乘车班次",
        (AddShuttle, Lang::En) => "Add a shuttle departure",
        (Line, Lang::Zh) => "线路",
        (Line, Lang::En) => "Line",
        (Departure, Lang::Zh) => "发车时间",
        (Departure, Lang::En) => "Departure",
        (Payment, Lang::Zh) => "支付方式",
        (Payment, Lang::En) => "Payment",
        (Wallet, Lang::Zh) => "通游钱包",
        (Wallet, Lang::En) => "Tongyou wallet",
        (WechatPay, Lang::Zh) => "微信支付",
        (WechatPay, Lang::En) => "WeChat Pay",
        (Alipay, Lang::Zh) => "支付宝",
        (Alipay, Lang::En) => "Alipay",
        (PriceBreakdown, Lang::Zh) => "价格明细",
        (PriceBreakdown, Lang::En) => "Price breakdown",
        (Total, Lang::Zh) => "应付",
        (Total, Lang::En) => "To pay",
        (YouSave, Lang::Zh) => "已优惠",
        (YouSave, Lang::En) => "You save",
        (Pay, Lang::Zh) => "去支付",
        (Pay, Lang::En) => "Pay",
        (Paying, Lang::Zh) => "正在下单…",
        (Paying, Lang::En) => "Placing the order…",
        (QuoteEmpty, Lang::Zh) => "选择旅客和项目后显示价格",
        (QuoteEmpty, Lang::En) => "Choose travellers and items to see the price",
        (FixFields, Lang::Zh) => "请先修改标出的内容",
        (FixFields, Lang::En) => "Fix the marked fields first",
        (OrderFailedWhat, Lang::Zh) => "订单未成立：没有扣款，所有预留已释放。",
        (OrderFailedWhat, Lang::En) => {
            "The order did not go through: nothing was charged and every hold was released."
        }
        (PaymentRow, Lang::Zh) => "付款",
        (PaymentRow, Lang::En) => "Payment",
        (ChoicesKept, Lang::Zh) => "你的选择都还在：改好后再点“去支付”即可。",
        (ChoicesKept, Lang::En) => {
            "Your choices are all still here: change what you need and tap Pay again."
        }
        (OfflineNotSent, Lang::Zh) => {
            "网络不通，订单可能没有发出。联网后再点“去支付”即可，不会重复下单。"
        }
        (OfflineNotSent, Lang::En) => {
            "No network: the order may not have been sent. Tap Pay again when you are online; it will not book twice."
        }
        (SessionExpired, Lang::Zh) => "登录已失效，请重新登录",
        (SessionExpired, Lang::En) => "Your sign-in has expired; please sign in again",
        (OfflineNow, Lang::Zh) => "现在离线，联网后再试",
        (OfflineNow, Lang::En) => "You are offline; try again when connected",
        (OffersApplied, Lang::Zh) => "已享联票优惠",
        (OffersApplied, Lang::En) => "Linked offer applied",
        (OrdersTitle, Lang::Zh) => "我的订单",
        (OrdersTitle, Lang::En) => "My orders",
        (NoOrders, Lang::Zh) => "还没有订单",
        (NoOrders, Lang::En) => "No orders yet",
        (Refunded, Lang::Zh) => "已退",
        (Refunded, Lang::En) => "Refunded",
        (Passes, Lang::Zh) => "电子票",
        (Passes, Lang::En) => "Passes",
        (AllOrders, Lang::Zh) => "全部订单",
        (AllOrders, Lang::En) => "All orders",
        (BackToBook, Lang::Zh) => "返回预订（选择都已保留）",
        (BackToBook, Lang::En) => "Back to booking (your choices are kept)",
        (CashierTitle, Lang::Zh) => "模拟收银台",
        (CashierTitle, Lang::En) => "Simulated cashier",
        (CashierDemo, Lang::Zh) => "演示用：不会真实扣款",
        (CashierDemo, Lang::En) => "Demo only: no real money moves",
        (CashierPay, Lang::Zh) => "确认支付",
        (CashierPay, Lang::En) => "Pay",
        (CashierCancel, Lang::Zh) => "取消支付",
        (CashierCancel, Lang::En) => "Cancel payment",
        (HoldsUntil, Lang::Zh) => "预留保留至",
        (HoldsUntil, Lang::En) => "Holds kept until",
        (Refresh, Lang::Zh) => "刷新",
        (Refresh, Lang::En) => "Refresh",
        (SubOrders, Lang::Zh) => "子订单",
        (SubOrders, Lang::En) => "Sub-orders",
        (OrderTotal, Lang::Zh) => "订单金额",
        (OrderTotal, Lang::En) => "Order total",
        (ShowInTickets, Lang::Zh) => "在票夹中出示二维码",
        (ShowInTickets, Lang::En) => "Show the QR codes in Tickets",
        (CancelOrder, Lang::Zh) => "取消订单",
        (CancelOrder, Lang::En) => "Cancel order",
        (CancelAsk, Lang::Zh) => "确定取消这个订单？",
        (CancelAsk, Lang::En) => "Cancel this order?",
        (CancelAskHint, Lang::Zh) => "退款按下列退改规则逐项计算，原路退回；电子票随即作废。",
        (CancelAskHint, Lang::En) => {
            "Each product is refunded by its rule below, back to how you paid; its passes stop working."
        }
        (CancelYes, Lang::Zh) => "确认取消",
        (CancelYes, Lang::En) => "Yes, cancel it",
        (CancelKeep, Lang::Zh) => "暂不取消",
        (CancelKeep, Lang::En) => "Keep the order",
        (Cancelling, Lang::Zh) => "正在取消…",
        (Cancelling, Lang::En) => "Cancelling…",
        (RefundRules, Lang::Zh) => "退改规则",
        (RefundRules, Lang::En) => "Refund rules",
        (NoRefundRule, Lang::Zh) => "没有退改规则：不退款",
        (NoRefundRule, Lang::En) => "No refund rule: nothing comes back",
        (CancelWaiting, Lang::Zh) => "联网后自动取消",
        (CancelWaiting, Lang::En) => "Will be cancelled when you are back online",
        (CancelWaitingHint, Lang::Zh) => {
            "取消请求已存在本机，联网后自动发送，无需再操作。在此之前订单和电子票保持原样。"
        }
        (CancelWaitingHint, Lang::En) => {
            "The cancellation is kept on this device and sent by itself once the network is back; nothing more to do. Until then the order and its passes stay as they are."
        }
        (CancelQueued, Lang::Zh) => "待取消",
        (CancelQueued, Lang::En) => "Cancelling",
        (TravellerKept, Lang::Zh) => "已存在本机，联网后保存到账户",
        (TravellerKept, Lang::En) => "Kept on this device; saved to your account once online",
        (RetriedOnline, Lang::Zh) => "无法连接平台，联网后自动重试",
        (RetriedOnline, Lang::En) => "no network; sent again by itself once online",
        (Outbox, Lang::Zh) => "待发送",
        (Outbox, Lang::En) => "Waiting to send",
        (OutboxHint, Lang::Zh) => "离线时的操作保存在本机，联网后按顺序自动发送。",
        (OutboxHint, Lang::En) => {
            "What you did offline is kept on this device and sent in order once online."
        }
        (OutboxRefused, Lang::Zh) => "平台未接受",
        (OutboxRefused, Lang::En) => "Refused",
        (NotYetSaved, Lang::Zh) => "待同步",
        (NotYetSaved, Lang::En) => "not yet saved",
        (GotIt, Lang::Zh) => "知道了",
        (GotIt, Lang::En) => "Dismiss",
        (NavTickets, Lang::Zh) => "票夹",
        (NavTickets, Lang::En) => "Tickets",
        (TicketsTitle, Lang::Zh) => "票夹",
        (TicketsTitle, Lang::En) => "Tickets",
        (TicketsHint, Lang::Zh) => "没有网络也能出示：点开一张票，向检票员出示二维码。",
        (TicketsHint, Lang::En) => {
            "Works with no network: open a pass and show its QR code at the gate."
        }
        (Today, Lang::Zh) => "今天",
        (Today, Lang::En) => "Today",
        (Upcoming, Lang::Zh) => "即将出行",
        (Upcoming, Lang::En) => "Upcoming",
        (Past, Lang::Zh) => "已过去",
        (Past, Lang::En) => "Past",
        (PassValid, Lang::Zh) => "有效",
        (PassValid, Lang::En) => "Valid",
        (PassVoid, Lang::Zh) => "已作废",
        (PassVoid, Lang::En) => "Void",
        (PassUsed, Lang::Zh) => "已使用",
        (PassUsed, Lang::En) => "Used",
        (Holder, Lang::Zh) => "持票人",
        (Holder, Lang::En) => "Holder",
        (Gates, Lang::Zh) => "可用入口",
        (Gates, Lang::En) => "Gates",
        (AnyGate, Lang::Zh) => "任一检票口",
        (AnyGate, Lang::En) => "any gate",
        (NoTickets, Lang::Zh) => "还没有电子票。预订后，票会存在这台设备上，没网也能用。",
        (NoTickets, Lang::En) => {
            "No tickets yet. Once you book, they are kept on this device and work offline."
        }
        (GoBook, Lang::Zh) => "去预订",
        (GoBook, Lang::En) => "Book a trip",
        (WalletOffline, Lang::Zh) => "现在离线：显示的是本机保存的票，联网后会自动更新。",
        (WalletOffline, Lang::En) => {
            "Offline: these are the passes saved on this device; they update once you are online."
        }
        (WalletNotRefreshed, Lang::Zh) => "票夹未能更新，显示的是本机保存的票：",
        (WalletNotRefreshed, Lang::En) => {
            "Tickets could not be updated; showing the passes saved on this device:"
        }
        (Close, Lang::Zh) => "关闭",
        (Close, Lang::En) => "Close",
        (ShowAtGate, Lang::Zh) => "请向检票员出示此二维码",
        (ShowAtGate, Lang::En) => "Show this code at the gate",
        (VoidExplain, Lang::Zh) => "此票已作废（已退票或已更换），不能用于入园。",
        (VoidExplain, Lang::En) => {
            "This pass was cancelled or replaced and cannot be used to enter."
        }
        (UsedExplain, Lang::Zh) => "此票已在检票口使用过。",
        (UsedExplain, Lang::En) => "This pass has already been used at a gate.",
        (GateMode, Lang::Zh) => "闸机模式",
        (GateMode, Lang::En) => "Gate mode",
        (GateModeHint, Lang::Zh) => "检票员专用：登录一个检票口后，本机可离线验票。",
        (GateModeHint, Lang::En) => {
            "For gate staff: sign in at a gate and this device checks passes, even offline."
        }
        (GateSignInTitle, Lang::Zh) => "检票员登录",
        (GateSignInTitle, Lang::En) => "Gate staff sign-in",
        (GateSignInHint, Lang::Zh) => "选择检票口，再用检票员手机号和短信验证码登录。",
        (GateSignInHint, Lang::En) => {
            "Choose the gate, then sign in with the staff mobile number and a text-message code."
        }
        (GatePick, Lang::Zh) => "检票口",
        (GatePick, Lang::En) => "Gate",
        (GateStart, Lang::Zh) => "进入闸机模式",
        (GateStart, Lang::En) => "Start gate mode",
        (NotGateStaff, Lang::Zh) => "验证码不对，或这个号码不是本景区的检票员",
        (NotGateStaff, Lang::En) => {
            "The code is wrong, or this number is not gate staff for this area"
        }
        (Staff, Lang::Zh) => "检票员",
        (Staff, Lang::En) => "Staff",
        (Keys, Lang::Zh) => "验签公钥",
        (Keys, Lang::En) => "Signing keys",
        (RevokedKnown, Lang::Zh) => "作废票",
        (RevokedKnown, Lang::En) => "Revoked passes",
        (LastSync, Lang::Zh) => "上次同步",
        (LastSync, Lang::En) => "Last sync",
        (PendingUploads, Lang::Zh) => "待上传记录",
        (PendingUploads, Lang::En) => "Scans to upload",
        (AdmittedToday, Lang::Zh) => "今日放行",
        (AdmittedToday, Lang::En) => "Admitted today",
        (RefusedToday, Lang::Zh) => "今日拒绝",
        (RefusedToday, Lang::En) => "Refused today",
        (SyncNow, Lang::Zh) => "立即同步",
        (SyncNow, Lang::En) => "Sync now",
        (Syncing, Lang::Zh) => "正在同步…",
        (Syncing, Lang::En) => "Syncing…",
        (SyncFailed, Lang::Zh) => "同步未完成（离线也能验票，记录会在联网后上传）：",
        (SyncFailed, Lang::En) => {
            "Not synced (checking still works offline; scans upload once online):"
        }
        (SyncOffline, Lang::Zh) => "连不上平台。",
        (SyncOffline, Lang::En) => "The platform cannot be reached.",
        (SyncSignedOut, Lang::Zh) => "验票员登录已失效，请退出后重新登录。",
        (SyncSignedOut, Lang::En) => "The staff sign-in has expired: sign out and sign in again.",
        (SyncPlatform, Lang::Zh) => "平台暂时出错，稍后会再试。",
        (SyncPlatform, Lang::En) => "The platform had a problem; it will be tried again.",
        (SyncDevice, Lang::Zh) => "本机存储出错，请重启应用。",
        (SyncDevice, Lang::En) => "This device's storage failed: restart the app.",
        (CheckPass, Lang::Zh) => "验票",
        (CheckPass, Lang::En) => "Check a pass",
        (PasteCode, Lang::Zh) => "粘贴票码",
        (PasteCode, Lang::En) => "Paste the pass code",
        (Verify, Lang::Zh) => "验票",
        (Verify, Lang::En) => "Verify",
        (Verifying, Lang::Zh) => "正在验票…",
        (Verifying, Lang::En) => "Checking…",
        (Clear, Lang::Zh) => "清空",
        (Clear, Lang::En) => "Clear",
        (LoadImage, Lang::Zh) => "读取二维码图片",
        (LoadImage, Lang::En) => "Load a QR code picture",
        (LoadImageHint, Lang::Zh) => "选一张含二维码的图片，在本机识别，无需联网。",
        (LoadImageHint, Lang::En) => {
            "Choose a picture with the QR code; it is read on this device, no network needed."
        }
        (PictureUnreadable, Lang::Zh) => "无法读取这张图片，请换一张再试",
        (PictureUnreadable, Lang::En) => "This picture could not be read; try another one",
        (Admit, Lang::Zh) => "放行",
        (Admit, Lang::En) => "Admit",
        (Refuse, Lang::Zh) => "拒绝",
        (Refuse, Lang::En) => "Refuse",
        (CheckedAt, Lang::Zh) => "验票时间",
        (CheckedAt, Lang::En) => "Checked at",
        (LeaveGateMode, Lang::Zh) => "退出闸机模式",
        (LeaveGateMode, Lang::En) => "Leave gate mode",
        (NavPlan, Lang::Zh) => "规划",
        (NavPlan, Lang::En) => "Plan",
        (PlanTitle, Lang::Zh) => "出行规划",
        (PlanTitle, Lang::En) => "Plan a trip",
        (PlanHint, Lang::Zh) => "选好日期、同行的人和喜好，得到三个避开人流的方案，可一键预订。",
        (PlanHint, Lang::En) => {
            "Choose the dates, who is going and what you enjoy: three plans that dodge the crowds, each booked in one tap."
        }
        (PlanStart, Lang::Zh) => "出发日期",
        (PlanStart, Lang::En) => "First day",
        (PlanDays, Lang::Zh) => "天数",
        (PlanDays, Lang::En) => "Days",
        (PlanAdults, Lang::Zh) => "成人",
        (PlanAdults, Lang::En) => "Adults",
        (PlanSeniors, Lang::Zh) => "老人（60 岁及以上）",
        (PlanSeniors, Lang::En) => "Seniors (60+)",
        (PlanChildren, Lang::Zh) => "儿童",
        (PlanChildren, Lang::En) => "Children",
        (PlanAddChild, Lang::Zh) => "添加儿童",
        (PlanAddChild, Lang::En) => "Add a child",
        (PlanChildAge, Lang::Zh) => "年龄",
        (PlanChildAge, Lang::En) => "Age",
        (PlanProfile, Lang::Zh) => "出游偏好",
        (PlanProfile, Lang::En) => "What you enjoy",
        (PlanBudget, Lang::Zh) => "预算（元）",
        (PlanBudget, Lang::En) => "Budget (¥)",
        (PlanBudgetHint, Lang::Zh) => "可不填",
        (PlanBudgetHint, Lang::En) => "Optional",
        (PlanMake, Lang::Zh) => "生成方案",
        (PlanMake, Lang::En) => "Make plans",
        (PlanMaking, Lang::Zh) => "正在规划…",
        (PlanMaking, Lang::En) => "Planning…",
        (PlanOffline, Lang::Zh) => "离线规划：未核对余票和空房",
        (PlanOffline, Lang::En) => "Planned offline: places and rooms not checked",
        (PlanBlocked, Lang::Zh) => "排不出方案：",
        (PlanBlocked, Lang::En) => "No plan is possible:",
        (PlanCrowds, Lang::Zh) => "人流",
        (PlanCrowds, Lang::En) => "Crowds",
        (PlanWhy, Lang::Zh) => "为什么这样安排",
        (PlanWhy, Lang::En) => "Why this plan",
        (PlanOpen, Lang::Zh) => "查看并预订",
        (PlanOpen, Lang::En) => "Open and book",
        (PlanBack, Lang::Zh) => "返回三个方案",
        (PlanBack, Lang::En) => "Back to all three plans",
        (PlanBookTitle, Lang::Zh) => "预订这个方案",
        (PlanBookTitle, Lang::En) => "Book this plan",
        (PlanBook, Lang::Zh) => "一键预订",
        (PlanBook, Lang::En) => "Book this plan",
        (PlanOnTheDay, Lang::Zh) => "当天另付",
        (PlanOnTheDay, Lang::En) => "Paid on the day",
        (PlanPaidNow, Lang::Zh) => "本单支付",
        (PlanPaidNow, Lang::En) => "Paid now",
        (PlanSignInFirst, Lang::Zh) => "请先登录再预订；方案会一直保留在这里。",
        (PlanSignInFirst, Lang::En) => "Sign in first to book; your plans stay here.",
        (PlanNoneTicked, Lang::Zh) => "请至少勾选一位旅客",
        (PlanNoneTicked, Lang::En) => "Tick at least one traveller",
        (PlanNotSent, Lang::Zh) => {
            "网络不通，订单可能没有发出。联网后再点“一键预订”即可，不会重复下单。"
        }
        (PlanNotSent, Lang::En) => {
            "No network: the order may not have been sent. Tap Book this plan again when you are online; it will not book twice."
        }
        (PlanSignInToBook, Lang::Zh) => "登录后预订",
        (PlanSignInToBook, Lang::En) => "Sign in to book",
        (PlanResults, Lang::Zh) => "为你排好的三个方案",
        (PlanResults, Lang::En) => "Three plans for you",
        (PlanBudgetInvalid, Lang::Zh) => "预算请填整数（元），或者留空",
        (PlanBudgetInvalid, Lang::En) => "Give the budget in whole yuan, or leave it empty",
        (Fewer, Lang::Zh) => "减少",
        (Fewer, Lang::En) => "Fewer",
        (More, Lang::Zh) => "增加",
        (More, Lang::En) => "More",
        (HelpButton, Lang::Zh) => "求助",
        (HelpButton, Lang::En) => "Help",
        (HelpTitle, Lang::Zh) => "需要帮助？",
        (HelpTitle, Lang::En) => "Need help?",
        (HelpAbout, Lang::Zh) => "关于：",
        (HelpAbout, Lang::En) => "About:",
        (HelpSignInFirst, Lang::Zh) => "登录后即可一键联系客服，客服能直接看到您的行程。",
        (HelpSignInFirst, Lang::En) => {
            "Sign in to reach a person in one tap; they see your trip without asking."
        }
        (HelpWhat, Lang::Zh) => "遇到了什么问题",
        (HelpWhat, Lang::En) => "What is it about",
        (HelpMessage, Lang::Zh) => "想说的话（可不填）",
        (HelpMessage, Lang::En) => "Anything to add (optional)",
        (HelpShareTrip, Lang::Zh) => "把这次行程分享给客服 72 小时（只读，不含证件号）",
        (HelpShareTrip, Lang::En) => {
            "Share this trip with the agent for 72 hours (read-only, no ID numbers)"
        }
        (HelpWhere, Lang::Zh) => "您在哪里（可不填）",
        (HelpWhere, Lang::En) => "Where are you (optional)",
        (HelpNoPlace, Lang::Zh) => "不提供位置",
        (HelpNoPlace, Lang::En) => "Don't say",
        (HelpSend, Lang::Zh) => "一键求助",
        (HelpSend, Lang::En) => "Get help now",
        (HelpScreenTitle, Lang::Zh) => "帮助与客服",
        (HelpScreenTitle, Lang::En) => "Help",
        (HelpScreenHint, Lang::Zh) => "客服的回复会实时出现在这里，没有网络时也能查看。",
        (HelpScreenHint, Lang::En) => {
            "Replies appear here as they come, and stay readable with no network."
        }
        (HelpNew, Lang::Zh) => "新的求助",
        (HelpNew, Lang::En) => "Ask for help",
        (HelpCases, Lang::Zh) => "我的求助",
        (HelpCases, Lang::En) => "My requests",
        (HelpNoCases, Lang::Zh) => "还没有求助记录。",
        (HelpNoCases, Lang::En) => "No requests yet.",
        (HelpQueued, Lang::Zh) => "没有网络：求助已保存，网络恢复后会自动发送。",
        (HelpQueued, Lang::En) => {
            "No network: your request is saved and will be sent when the network returns."
        }
        (HelpNoMessages, Lang::Zh) => "已收到求助，客服会尽快回复。",
        (HelpNoMessages, Lang::En) => "Request received; an agent will reply soon.",
        (SharesTitle, Lang::Zh) => "行程分享",
        (SharesTitle, Lang::En) => "Trip shares",
        (SharesHint, Lang::Zh) => "分享链接只读、会到期，可随时结束；谁看过都会列在这里。",
        (SharesHint, Lang::En) => {
            "A share is read-only, expires, and can be ended at any time; every view is listed here."
        }
        (ShareTrip, Lang::Zh) => "分享行程给家人",
        (ShareTrip, Lang::En) => "Share the trip with family",
        (ShareLinkMade, Lang::Zh) => "已生成链接：",
        (ShareLinkMade, Lang::En) => "Link made:",
        (NoShares, Lang::Zh) => "还没有分享。",
        (NoShares, Lang::En) => "No shares yet.",
        (ShareEnd, Lang::Zh) => "结束分享",
        (ShareEnd, Lang::En) => "End share",
        (Send, Lang::Zh) => "发送",
        (Send, Lang::En) => "Send",
        (HelpMine, Lang::Zh) => "我的求助与行程分享",
        (HelpMine, Lang::En) => "My requests and trip shares",
        (GuideOpen, Lang::Zh) => "山上导览",
        (GuideOpen, Lang::En) => "Mountain guide",
        (GuideOpenHint, Lang::Zh) => "全景识山、地图与步行路线，下载后离线可用",
        (GuideOpenHint, Lang::En) => {
            "Name the peaks, see the map, walk there: offline once downloaded"
        }
        (GuideTitle, Lang::Zh) => "山上导览",
        (GuideTitle, Lang::En) => "Mountain guide",
        (GuideBack, Lang::Zh) => "发现",
        (GuideBack, Lang::En) => "Discover",
        (GuidePackTitle, Lang::Zh) => "离线导览包",
        (GuidePackTitle, Lang::En) => "Offline guide pack",
        (GuidePackHint, Lang::Zh) => {
            "下载一次，山上没有信号时也能认出眼前的山峰、查看地图和步行路线。"
        }
        (GuidePackHint, Lang::En) => {
            "Download it once: it names the peaks in front of you, shows the map and finds walking routes where there is no signal."
        }
        (GuideGet, Lang::Zh) => "下载导览包",
        (GuideGet, Lang::En) => "Download the guide pack",
        (GuideUpdate, Lang::Zh) => "更新",
        (GuideUpdate, Lang::En) => "Update",
        (GuideCheck, Lang::Zh) => "检查更新",
        (GuideCheck, Lang::En) => "Check for updates",
        (GuideNeedsNetwork, Lang::Zh) => "现在没有网络：下载导览包需要联网，请在有信号的地方下载。",
        (GuideNeedsNetwork, Lang::En) => {
            "No network now: downloading the guide pack needs one. Download it where there is a signal."
        }
        (GuideUpdateDue, Lang::Zh) => "有新版本的导览包。",
        (GuideUpdateDue, Lang::En) => "A newer guide pack is available.",
        (GuideNoRegion, Lang::Zh) => "还没有景区数据：请先在“发现”页联网同步。",
        (GuideNoRegion, Lang::En) => "No region data yet: sync on Discover while online first.",
        (GuideModes, Lang::Zh) => "导览方式",
        (GuideModes, Lang::En) => "Guide mode",
        (ModePanorama, Lang::Zh) => "全景",
        (ModePanorama, Lang::En) => "Panorama",
        (ModeMap, Lang::Zh) => "地图",
        (ModeMap, Lang::En) => "Map",
        (ModeCamera, Lang::Zh) => "实景",
        (ModeCamera, Lang::En) => "Camera",
        (CameraUnavailable, Lang::Zh) => {
            "实景模式需要带摄像头和指南针的手机，这台设备用不了。请用全景或地图：它们用的是同一份离线数据。"
        }
        (CameraUnavailable, Lang::En) => {
            "Camera mode needs a phone with a camera and a compass, which this device is not. Use the panorama or the map: they show the same offline data."
        }
        (Viewpoint, Lang::Zh) => "观景点",
        (Viewpoint, Lang::En) => "Viewpoint",
        (TurnLeft, Lang::Zh) => "向左转",
        (TurnLeft, Lang::En) => "Turn left",
        (TurnRight, Lang::Zh) => "向右转",
        (TurnRight, Lang::En) => "Turn right",
        (PanoramaAria, Lang::Zh) => "全景：用左右方向键转向",
        (PanoramaAria, Lang::En) => "Panorama: turn with the left and right arrow keys",
        (PanoramaHint, Lang::Zh) => "拖动画面或按方向键转向，点名称查看介绍。",
        (PanoramaHint, Lang::En) => {
            "Drag or use the arrow keys to turn; tap a name to read about it."
        }
        (InView, Lang::Zh) => "眼前从左到右",
        (InView, Lang::En) => "In view, left to right",
        (AlsoHere, Lang::Zh) => "这里还有",
        (AlsoHere, Lang::En) => "Also here",
        (OpenHours, Lang::Zh) => "开放时间",
        (OpenHours, Lang::En) => "Open",
        (CrowdNowLabel, Lang::Zh) => "现在人流",
        (CrowdNowLabel, Lang::En) => "Crowd now",
        (ReadAloud, Lang::Zh) => "朗读",
        (ReadAloud, Lang::En) => "Read aloud",
        (WalkingRoute, Lang::Zh) => "步行路线",
        (WalkingRoute, Lang::En) => "Walking route",
        (FaceIt, Lang::Zh) => "转向它",
        (FaceIt, Lang::En) => "Face it",
        (YouAreHere, Lang::Zh) => "您在这里",
        (YouAreHere, Lang::En) => "You are here",
        (NotInGuide, Lang::Zh) => "导览包里没有这个地点。",
        (NotInGuide, Lang::En) => "This place is not in the guide pack.",
        (GuideDemo, Lang::Zh) => "演示数据",
        (GuideDemo, Lang::En) => "Demo data",
        (MapAria, Lang::Zh) => "导览地图",
        (MapAria, Lang::En) => "Guide map",
        (MapHint, Lang::Zh) => "实线是步道，虚线是台阶；点地点查看介绍。",
        (MapHint, Lang::En) => {
            "Solid lines are paths, dashed ones steps; tap a place to read about it."
        }
        (RouteTo, Lang::Zh) => "去往",
        (RouteTo, Lang::En) => "Route to",
        (RoutePick, Lang::Zh) => "选择目的地…",
        (RoutePick, Lang::En) => "Choose a place…",
        (RouteAsk, Lang::Zh) => "选一个目的地，看从当前观景点怎么走。",
        (RouteAsk, Lang::En) => "Choose a place to see how to walk there from this viewpoint.",
        (WhoWalks, Lang::Zh) => "谁在走",
        (WhoWalks, Lang::En) => "Who is walking",
        (WalkerAdult, Lang::Zh) => "成人",
        (WalkerAdult, Lang::En) => "Adults",
        (WalkerChild, Lang::Zh) => "带孩子",
        (WalkerChild, Lang::En) => "With children",
        (WalkerSenior, Lang::Zh) => "带老人",
        (WalkerSenior, Lang::En) => "With seniors",
        (OpenInGuide, Lang::Zh) => "在导览中查看",
        (OpenInGuide, Lang::En) => "Open in the guide",
        (AddToDay, Lang::Zh) => "加入我的行程",
        (AddToDay, Lang::En) => "Add to my day",
        (VisitDay, Lang::Zh) => "日期",
        (VisitDay, Lang::En) => "Day",
        (VisitTime, Lang::Zh) => "开始时间",
        (VisitTime, Lang::En) => "Start at",
        (AddVisit, Lang::Zh) => "加入",
        (AddVisit, Lang::En) => "Add",
        (OnMyDay, Lang::Zh) => "已在我的行程中",
        (OnMyDay, Lang::En) => "On my day",
        (SeeOnTimeline, Lang::Zh) => "在行程中查看",
        (SeeOnTimeline, Lang::En) => "See it on the trip",
        (VisitLabel, Lang::Zh) => "自行游览",
        (VisitLabel, Lang::En) => "Own visit",
        (RemoveVisit, Lang::Zh) => "从行程中移除",
        (RemoveVisit, Lang::En) => "Take off my day",
    }
}

pub fn sight_kind(lang: Lang, kind: SightKind) -> &'static str {
    use SightKind::*;
    match (kind, lang) {
        (Peak, Lang::Zh) => "山峰",
        (Peak, Lang::En) => "Peak",
        (Rock, Lang::Zh) => "奇石",
        (Rock, Lang::En) => "Rock",
        (Tree, Lang::Zh) => "名松",
        (Tree, Lang::En) => "Pine",
        (Pavilion, Lang::Zh) => "亭台",
        (Pavilion, Lang::En) => "Pavilion",
        (Canyon, Lang::Zh) => "峡谷",
        (Canyon, Lang::En) => "Canyon",
        (Viewpoint, Lang::Zh) => "观景台",
        (Viewpoint, Lang::En) => "Viewpoint",
        (Temple, Lang::Zh) => "寺庙",
        (Temple, Lang::En) => "Temple",
        (Waterfall, Lang::Zh) => "瀑布",
        (Waterfall, Lang::En) => "Waterfall",
    }
}

pub fn lift_kind(lang: Lang, kind: LiftKind) -> &'static str {
    match (kind, lang) {
        (LiftKind::CableCar, Lang::Zh) => "索道",
        (LiftKind::CableCar, Lang::En) => "Cable car",
        (LiftKind::Funicular, Lang::Zh) => "地轨缆车",
        (LiftKind::Funicular, Lang::En) => "Funicular",
    }
}

pub fn area(lang: Lang, area: HotelArea) -> &'static str {
    match area {
        HotelArea::Summit => t(lang, Msg::SummitArea),
        HotelArea::Town => t(lang, Msg::TownArea),
    }
}

/// Tags from the data files that deserve a label.
pub fn tag(lang: Lang, tag: &str) -> Option<&'static str> {
    Some(match (tag, lang) {
        ("sunrise", Lang::Zh) => "观日出",
        ("sunrise", Lang::En) => "Sunrise",
        ("sunset", Lang::Zh) => "看日落",
        ("sunset", Lang::En) => "Sunset",
        ("main-peak", Lang::Zh) => "主峰",
        ("main-peak", Lang::En) => "Main peak",
        ("steep", Lang::Zh) => "陡峭",
        ("steep", Lang::En) => "Steep",
        ("family", Lang::Zh) => "适合亲子",
        ("family", Lang::En) => "Family",
        _ => return None,
    })
}

pub fn elevation(lang: Lang, metres: u32) -> String {
    match lang {
        Lang::Zh => format!("海拔 {metres} 米"),
        Lang::En => format!("{metres} m"),
    }
}

pub fn climb(lang: Lang, metres: u32) -> String {
    match lang {
        Lang::Zh => format!("爬升 {metres} 米"),
        Lang::En => format!("climbs {metres} m"),
    }
}

pub fn minutes(lang: Lang, n: u16) -> String {
    match lang {
        Lang::Zh => format!("约 {n} 分钟"),
        Lang::En => format!("about {n} min"),
    }
}

pub fn visit(lang: Lang, n: u16) -> String {
    match lang {
        Lang::Zh => format!("游览约 {n} 分钟"),
        Lang::En => format!("visit about {n} min"),
    }
}

pub fn hours(open: ClockTime, close: ClockTime) -> String {
    format!("{open}–{close}")
}

pub fn price_from(lang: Lang, price: Fen) -> String {
    match lang {
        Lang::Zh => format!("{} {}", price.display_yuan(), t(lang, Msg::From)),
        Lang::En => format!("{} {}", t(lang, Msg::From), price.display_yuan()),
    }
}

pub fn grade(stars: u8) -> String {
    "★".repeat(stars.into())
}

pub fn places_left(lang: Lang, n: u32) -> String {
    match lang {
        Lang::Zh => format!("余{n}"),
        Lang::En => format!("{n} left"),
    }
}

pub fn resend_in(lang: Lang, seconds: u32) -> String {
    match lang {
        Lang::Zh => format!("{seconds}秒后可重新发送"),
        Lang::En => format!("Send again in {seconds} s"),
    }
}

pub fn order_no(lang: Lang, id: i64) -> String {
    match lang {
        Lang::Zh => format!("订单 {id}"),
        Lang::En => format!("Order {id}"),
    }
}

pub fn order_state(lang: Lang, state: OrderState) -> &'static str {
    use OrderState::*;
    match (state, lang) {
        (AwaitingPayment, Lang::Zh) => "待支付",
        (AwaitingPayment, Lang::En) => "Awaiting payment",
        (Confirmed, Lang::Zh) => "已确认",
        (Confirmed, Lang::En) => "Confirmed",
        (PartlyConfirmed, Lang::Zh) => "部分确认",
        (PartlyConfirmed, Lang::En) => "Partly confirmed",
        (Failed, Lang::Zh) => "未成功",
        (Failed, Lang::En) => "Not booked",
        (Expired, Lang::Zh) => "已过期",
        (Expired, Lang::En) => "Expired",
        (Cancelled, Lang::Zh) => "已取消",
        (Cancelled, Lang::En) => "Cancelled",
    }
}

pub fn sub_order_state(lang: Lang, state: SubOrderState) -> &'static str {
    use SubOrderState::*;
    match (state, lang) {
        (Held, Lang::Zh) => "已预留",
        (Held, Lang::En) => "Held",
        (Confirmed, Lang::Zh) => "已确认",
        (Confirmed, Lang::En) => "Confirmed",
        (Adjusted, Lang::Zh) => "已调整",
        (Adjusted, Lang::En) => "Adjusted",
        (Released, Lang::Zh) => "已释放",
        (Released, Lang::En) => "Released",
        (Failed, Lang::Zh) => "失败",
        (Failed, Lang::En) => "Failed",
        (Cancelled, Lang::Zh) => "已取消",
        (Cancelled, Lang::En) => "Cancelled",
    }
}

pub fn payment_state(lang: Lang, state: PaymentState) -> &'static str {
    use PaymentState::*;
    match (state, lang) {
        (Pending, Lang::Zh) => "待支付",
        (Pending, Lang::En) => "Pending",
        (Paid, Lang::Zh) => "已支付",
        (Paid, Lang::En) => "Paid",
        (Declined, Lang::Zh) => "支付被拒",
        (Declined, Lang::En) => "Declined",
        (Refunded, Lang::Zh) => "已退款",
        (Refunded, Lang::En) => "Refunded",
        (NotTaken, Lang::Zh) => "未扣款",
        (NotTaken, Lang::En) => "Not charged",
    }
}

pub fn provider(lang: Lang, provider: Provider) -> &'static str {
    match (provider, lang) {
        (Provider::Scenic, Lang::Zh) => "景区",
        (Provider::Scenic, Lang::En) => "Scenic area",
        (Provider::Hotel, Lang::Zh) => "酒店",
        (Provider::Hotel, Lang::En) => "Hotel",
        (Provider::Transport, Lang::Zh) => "交通",
        (Provider::Transport, Lang::En) => "Transport",
    }
}

pub fn pass_state(lang: Lang, state: PassState) -> &'static str {
    match state {
        PassState::Valid => t(lang, Msg::PassValid),
        PassState::Revoked => t(lang, Msg::PassVoid),
        PassState::Used => t(lang, Msg::PassUsed),
    }
}

/// What an offline write does, as the outbox lists it.
pub fn write_kind(lang: Lang, kind: tongyou_core::api::WriteKind) -> &'static str {
    use tongyou_core::api::WriteKind::*;
    match (kind, lang) {
        (CancelOrder, _) => t(lang, Msg::CancelOrder),
        (AddTraveller, Lang::Zh) => "添加常用旅客",
        (AddTraveller, Lang::En) => "Save a traveller",
        (RemoveTraveller, Lang::Zh) => "删除常用旅客",
        (RemoveTraveller, Lang::En) => "Remove a traveller",
        (OpenCase, Lang::Zh) => "求助",
        (OpenCase, Lang::En) => "Help request",
    }
}

/// A write the platform refused: what did not happen, then why (`reason`, already in
/// `lang`).
pub fn write_refused(lang: Lang, kind: tongyou_core::api::WriteKind, reason: &str) -> String {
    use tongyou_core::api::WriteKind::*;
    match (kind, lang) {
        (CancelOrder, Lang::Zh) => format!("订单没有取消：{reason}"),
        (CancelOrder, Lang::En) => format!("The order was not cancelled: {reason}"),
        (AddTraveller, Lang::Zh) => format!("旅客没有保存：{reason}"),
        (AddTraveller, Lang::En) => format!("The traveller was not saved: {reason}"),
        (RemoveTraveller, Lang::Zh) => format!("旅客没有删除：{reason}"),
        (RemoveTraveller, Lang::En) => format!("The traveller was not removed: {reason}"),
        (OpenCase, Lang::Zh) => format!("求助没有发出：{reason}"),
        (OpenCase, Lang::En) => format!("The help request was not sent: {reason}"),
    }
}

/// Why the platform refused a write, when it named no field: by its error code.
pub fn refusal_reason(
    lang: Lang,
    kind: tongyou_core::api::WriteKind,
    code: tongyou_core::api::ErrorCode,
) -> &'static str {
    use tongyou_core::api::ErrorCode;
    use tongyou_core::api::WriteKind::CancelOrder;
    match (kind, code, lang) {
        (CancelOrder, ErrorCode::Conflict, Lang::Zh) => "订单当前的状态已不能取消",
        (CancelOrder, ErrorCode::Conflict, Lang::En) => "it can no longer be cancelled",
        (_, ErrorCode::NotFound, Lang::Zh) => "平台上已找不到它",
        (_, ErrorCode::NotFound, Lang::En) => "the platform no longer has it",
        (_, ErrorCode::Unauthorized, _) => t(lang, Msg::SessionExpired),
        (_, _, Lang::Zh) => "平台没有接受这次操作",
        (_, _, Lang::En) => "the platform did not accept it",
    }
}

/// How many times a write has been sent (a later write waits for the earlier ones).
pub fn tries(lang: Lang, n: u32) -> String {
    match (lang, n) {
        (Lang::Zh, 0) => "尚未发送".to_owned(),
        (Lang::En, 0) => "not sent yet".to_owned(),
        (Lang::Zh, _) => format!("已尝试 {n} 次"),
        (Lang::En, 1) => "1 try".to_owned(),
        (Lang::En, _) => format!("{n} tries"),
    }
}

/// Why the latest try of a write did not get through.
pub fn last_try(lang: Lang, why: &str) -> String {
    match lang {
        Lang::Zh => format!("上次发送：{why}"),
        Lang::En => format!("Last try: {why}"),
    }
}

/// Who a pass lets in: adults, children, seniors, leaving out the categories with nobody.
pub fn party(lang: Lang, (adults, children, seniors): (u8, u8, u8)) -> String {
    let parts = [
        (adults, "成人", "adult", "adults"),
        (children, "儿童", "child", "children"),
        (seniors, "老人", "senior", "seniors"),
    ];
    let named: Vec<String> = parts
        .into_iter()
        .filter(|(n, ..)| *n > 0)
        .map(|(n, zh, one, many)| match lang {
            Lang::Zh => format!("{zh} {n} 人"),
            Lang::En => format!("{n} {}", if n == 1 { one } else { many }),
        })
        .collect();
    named.join(" · ")
}

/// A list of names in the language's own way (、 in Chinese, commas in English).
pub fn list(lang: Lang, names: &[String]) -> String {
    names.join(match lang {
        Lang::Zh => "、",
        Lang::En => ", ",
    })
}

pub fn profile(lang: Lang, profile: Profile) -> &'static str {
    use Profile::*;
    match (profile, lang) {
        (Family, Lang::Zh) => "亲子",
        (Family, Lang::En) => "Family",
        (Seniors, Lang::Zh) => "陪长辈",
        (Seniors, Lang::En) => "With seniors",
        (Culture, Lang::Zh) => "研学人文",
        (Culture, Lang::En) => "Study & culture",
        (Night, Lang::Zh) => "青春·日出日落",
        (Night, Lang::En) => "Young: sunrise & sunset",
        (Leisure, Lang::Zh) => "休闲慢游",
        (Leisure, Lang::En) => "Leisure",
    }
}

pub fn step_kind(lang: Lang, kind: StepKind) -> &'static str {
    use StepKind::*;
    match (kind, lang) {
        (Shuttle, Lang::Zh) => "换乘车",
        (Shuttle, Lang::En) => "Shuttle",
        (Enter, Lang::Zh) => "入园",
        (Enter, Lang::En) => "Entry",
        (Ride, Lang::Zh) => "索道",
        (Ride, Lang::En) => "Ride",
        (Walk, Lang::Zh) => "步行",
        (Walk, Lang::En) => "Walk",
        (Visit, Lang::Zh) => "游览",
        (Visit, Lang::En) => "Visit",
        (Meal, Lang::Zh) => "用餐",
        (Meal, Lang::En) => "Meal",
        (Rest, Lang::Zh) => "休息",
        (Rest, Lang::En) => "Rest",
        (Hotel, Lang::Zh) => "入住",
        (Hotel, Lang::En) => "Hotel",
    }
}

pub fn trip_days(lang: Lang, n: u8) -> String {
    match lang {
        Lang::Zh => format!("{n} 天"),
        Lang::En if n == 1 => "1 day".to_owned(),
        Lang::En => format!("{n} days"),
    }
}

pub fn child_age(lang: Lang, years: u8) -> String {
    match lang {
        Lang::Zh => format!("{years} 岁"),
        Lang::En if years == 1 => "1 year".to_owned(),
        Lang::En => format!("{years} years"),
    }
}

/// `Day 1 · 2026-11-29`.
pub fn plan_day(lang: Lang, index: usize, date: &str) -> String {
    match lang {
        Lang::Zh => format!("第 {} 天 · {date}", index + 1),
        Lang::En => format!("Day {} · {date}", index + 1),
    }
}

/// A walk's length and climb: `1.2 公里 · 爬升 150 米`.
pub fn walk(lang: Lang, metres: u32, climbed: u32) -> String {
    let km = format!("{}.{}", metres / 1000, (metres % 1000) / 100);
    let length = match lang {
        Lang::Zh => format!("{km} 公里"),
        Lang::En => format!("{km} km"),
    };
    if climbed == 0 {
        length
    } else {
        format!("{length} · {}", climb(lang, climbed))
    }
}

/// Said when the ticked travellers are not the party the plan was made for.
pub fn party_mismatch(lang: Lang, ticked: usize, planned: u32) -> String {
    match lang {
        Lang::Zh => format!(
            "已勾选 {ticked} 位旅客，但方案是按 {planned} 人安排的：门票、索道和车票按勾选的人数购买，房间数不变，价格以下单时为准。"
        ),
        Lang::En => format!(
            "{ticked} travellers ticked, but the plan is for {planned}: tickets, rides and seats are bought for those ticked, the rooms stay as planned, and the price is worked out again when you book."
        ),
    }
}

/// How many sights a day of a plan visits.
pub fn sights_count(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Zh => format!("{n} 处景点"),
        Lang::En if n == 1 => "1 sight".to_owned(),
        Lang::En => format!("{n} sights"),
    }
}

/// The `n`th child's row on the plan form (from 0).
pub fn child_no(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Zh => format!("儿童 {}", n + 1),
        Lang::En => format!("Child {}", n + 1),
    }
}

/// Who a per-person line of a plan's price is for, by its place in the planned party:
/// adults first, then the children in the order given, then seniors (the planner's order).
pub fn planned_guest(lang: Lang, party: &PlanParty, index: usize) -> String {
    let adults = usize::from(party.adults);
    let children = party.children.len();
    if index < adults {
        match lang {
            Lang::Zh => format!("成人 {}", index + 1),
            Lang::En => format!("adult {}", index + 1),
        }
    } else if let Some(age) = party.children.get(index - adults) {
        match lang {
            Lang::Zh => format!("儿童（{age} 岁）"),
            Lang::En => format!("child ({})", child_age(lang, *age)),
        }
    } else {
        let n = index - adults - children + 1;
        match lang {
            Lang::Zh => format!("老人 {n}"),
            Lang::En => format!("senior {n}"),
        }
    }
}

/// What an export holds, in one line.
pub fn export_summary(lang: Lang, mobile: &str, travellers: usize, orders: usize) -> String {
    match lang {
        Lang::Zh => format!("账户 {mobile} · 常用旅客 {travellers} 位 · 订单 {orders} 个"),
        Lang::En => {
            let plural =
                |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
            format!(
                "Account {mobile} · {} · {}",
                plural(travellers, "saved traveller"),
                plural(orders, "order")
            )
        }
    }
}

pub fn item_status(lang: Lang, status: ItemStatus) -> &'static str {
    use ItemStatus::*;
    match (status, lang) {
        (Held, Lang::Zh) => "已预留",
        (Held, Lang::En) => "Held",
        (Confirmed, Lang::Zh) => "已确认",
        (Confirmed, Lang::En) => "Confirmed",
        (Failed, Lang::Zh) => "未成功",
        (Failed, Lang::En) => "Not booked",
        (Adjusted, Lang::Zh) => "已调整",
        (Adjusted, Lang::En) => "Adjusted",
        (Cancelled, Lang::Zh) => "已取消",
        (Cancelled, Lang::En) => "Cancelled",
        (Used, Lang::Zh) => "已使用",
        (Used, Lang::En) => "Used",
        (Planned, Lang::Zh) => "自行安排",
        (Planned, Lang::En) => "Own plan",
    }
}

/// Under the "add to my day" form: the sight's hours, if it keeps any, and how long a
/// visit takes.
pub fn visit_hint(lang: Lang, hours: Option<(ClockTime, ClockTime)>, minutes: u16) -> String {
    match (lang, hours) {
        (Lang::Zh, Some((open, close))) => format!("开放 {open}–{close} · 游览约 {minutes} 分钟"),
        (Lang::Zh, None) => format!("全天开放 · 游览约 {minutes} 分钟"),
        (Lang::En, Some((open, close))) => format!("Open {open}–{close} · about {minutes} min"),
        (Lang::En, None) => format!("Always open · about {minutes} min"),
    }
}

/// "in 25 min", "in 3 h 5 min".
pub fn in_minutes(lang: Lang, minutes: u32) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    match (lang, h) {
        (Lang::Zh, 0) => format!("{m} 分钟后"),
        (Lang::Zh, _) => format!("{h} 小时 {m} 分钟后"),
        (Lang::En, 0) => format!("in {m} min"),
        (Lang::En, _) => format!("in {h} h {m} min"),
    }
}

/// A walk between two items of a trip: its length and climb, and the minutes it takes.
pub fn walk_leg(lang: Lang, metres: u32, climbed: u32, minutes: u16) -> String {
    match lang {
        Lang::Zh => format!("步行 {} · 约 {minutes} 分钟", walk(lang, metres, climbed)),
        Lang::En => format!("Walk {} · about {minutes} min", walk(lang, metres, climbed)),
    }
}

/// A reminder's lead: "提前 1 小时", "1 h before".
pub fn lead(lang: Lang, minutes: u16) -> String {
    match (lang, minutes % 60) {
        (Lang::Zh, 0) => format!("提前 {} 小时", minutes / 60),
        (Lang::Zh, _) => format!("提前 {minutes} 分钟"),
        (Lang::En, 0) => format!("{} h before", minutes / 60),
        (Lang::En, _) => format!("{minutes} min before"),
    }
}

/// "请带上：…", "Bring: …".
pub fn labelled(lang: Lang, label: &str, text: &str) -> String {
    match lang {
        Lang::Zh => format!("{label}：{text}"),
        Lang::En => format!("{label}: {text}"),
    }
}

/// What a support case is about.
pub fn case_category(lang: Lang, category: tongyou_core::api::CaseCategory) -> &'static str {
    use tongyou_core::api::CaseCategory::*;
    match (category, lang) {
        (GateRefused, Lang::Zh) => "闸机进不去",
        (GateRefused, Lang::En) => "Refused at a gate",
        (Transport, Lang::Zh) => "交通、索道、班车",
        (Transport, Lang::En) => "Transport, lifts, shuttles",
        (Booking, Lang::Zh) => "订单与门票",
        (Booking, Lang::En) => "Booking and tickets",
        (Safety, Lang::Zh) => "安全、走失、身体不适",
        (Safety, Lang::En) => "Lost, hurt or unwell",
        (Other, Lang::Zh) => "其他",
        (Other, Lang::En) => "Something else",
    }
}

/// Where a case stands; `queued`: still waiting on the device to be sent.
pub fn case_state(lang: Lang, state: tongyou_core::api::CaseState, queued: bool) -> &'static str {
    use tongyou_core::api::CaseState::*;
    match (queued, state, lang) {
        (true, _, Lang::Zh) => "等待网络发送",
        (true, _, Lang::En) => "Waiting for the network",
        (false, Waiting, Lang::Zh) => "排队中",
        (false, Waiting, Lang::En) => "In the queue",
        (false, Claimed, Lang::Zh) => "客服处理中",
        (false, Claimed, Lang::En) => "An agent has it",
        (false, Closed, Lang::Zh) => "已结束",
        (false, Closed, Lang::En) => "Closed",
    }
}

/// How long a new share lasts, as the chooser lists it.
pub fn share_for(lang: Lang, hours: u32) -> String {
    match (lang, hours.is_multiple_of(24)) {
        (Lang::Zh, true) => format!("{} 天", hours / 24),
        (Lang::Zh, false) => format!("{hours} 小时"),
        (Lang::En, true) if hours == 24 => "1 day".to_owned(),
        (Lang::En, true) => format!("{} days", hours / 24),
        (Lang::En, false) => format!("{hours} hours"),
    }
}

/// One share as its list line: until when, or that it ended.
pub fn share_line(lang: Lang, share: &tongyou_core::api::Share) -> String {
    let until = crate::time::short_time(&share.expires_at);
    let case = share.case_id.map(|c| match lang {
        Lang::Zh => format!("（求助 #{c}）"),
        Lang::En => format!(" (help request #{c})"),
    });
    let case = case.unwrap_or_default();
    match (share.live, lang) {
        (true, Lang::Zh) => format!("有效至 {until}{case}"),
        (true, Lang::En) => format!("Live until {until}{case}"),
        (false, Lang::Zh) => format!("已结束{case}"),
        (false, Lang::En) => format!("Ended{case}"),
    }
}

/// What someone did through a share, as its owner reads it.
pub fn share_what(lang: Lang, what: &str) -> String {
    let zh = match what {
        "viewed" => "查看了行程",
        "refund" => "办理了退款",
        "viewed_refunds" => "查看了可退的项目",
        "reissued_pass" => "重新出票",
        "applied_way_out" => "处理了行程变动",
        other => other,
    };
    let en = match what {
        "viewed" => "viewed the trip",
        "refund" => "made a refund",
        "viewed_refunds" => "looked at what can be refunded",
        "reissued_pass" => "re-issued a pass",
        "applied_way_out" => "settled a disruption",
        other => other,
    };
    match lang {
        Lang::Zh => zh.to_owned(),
        Lang::En => en.to_owned(),
    }
}

/// A thousands separator for English figures: `1,864`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A point's height on its card: `1864 米`, `1,864 m`.
pub fn poi_elevation(lang: Lang, metres: u32) -> String {
    match lang {
        Lang::Zh => format!("{metres} 米"),
        Lang::En => format!("{} m", grouped(u64::from(metres))),
    }
}

/// A distance in kilometres to a tenth: `1.7 公里`, `0.4 km`.
pub fn km(lang: Lang, metres: f64) -> String {
    let tenths = (metres / 100.0).round().max(1.0) as u64;
    let km = format!("{}.{}", tenths / 10, tenths % 10);
    match lang {
        Lang::Zh => format!("{km} 公里"),
        Lang::En => format!("{km} km"),
    }
}

/// One of the eight compass points nearest `bearing_deg`: `东南`, `SE`.
pub fn compass_point(lang: Lang, bearing_deg: f64) -> &'static str {
    const ZH: [&str; 8] = ["北", "东北", "东", "东南", "南", "西南", "西", "西北"];
    const EN: [&str; 8] = ["N", "NE", "E", "SE", "S", "SW", "W", "NW"];
    let i = ((bearing_deg.rem_euclid(360.0) + 22.5) / 45.0) as usize % 8;
    match lang {
        Lang::Zh => ZH[i],
        Lang::En => EN[i],
    }
}

/// How far and which way from the viewpoint: `1.2 公里 · 东南`, `1.2 km · SE`.
pub fn distance_towards(lang: Lang, metres: f64, bearing_deg: f64) -> String {
    format!(
        "{} · {}",
        km(lang, metres),
        compass_point(lang, bearing_deg)
    )
}

/// The guide pack's download size: `约 58 KB`, `about 1.2 MB`.
pub fn pack_size(lang: Lang, bytes: u64) -> String {
    let size = if bytes < 1024 * 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        let tenths = (bytes * 10).div_ceil(1024 * 1024);
        format!("{}.{} MB", tenths / 10, tenths % 10)
    };
    match lang {
        Lang::Zh => format!("约 {size}"),
        Lang::En => format!("about {size}"),
    }
}

/// The pack on the device: which version, since when, and that it works offline.
pub fn pack_held(lang: Lang, version: &str, since: Option<&str>) -> String {
    let version: String = version.chars().take(8).collect();
    let since = since.map(crate::time::short_time);
    match (lang, since) {
        (Lang::Zh, Some(at)) => format!("导览包 {version}（{at} 下载）已在本机，没有网络也能用。"),
        (Lang::Zh, None) => format!("导览包 {version} 已在本机，没有网络也能用。"),
        (Lang::En, Some(at)) => {
            format!("Guide pack {version} (downloaded {at}) is on this device and works offline.")
        }
        (Lang::En, None) => format!("Guide pack {version} is on this device and works offline."),
    }
}

/// What a point of interest is.
pub fn poi_kind(lang: Lang, kind: PoiKind) -> &'static str {
    use PoiKind::*;
    match (kind, lang) {
        (Peak, Lang::Zh) => "山峰",
        (Peak, Lang::En) => "Peak",
        (Sight, Lang::Zh) => "景点",
        (Sight, Lang::En) => "Sight",
        (Viewpoint, Lang::Zh) => "观景点",
        (Viewpoint, Lang::En) => "Viewpoint",
        (Pavilion, Lang::Zh) => "亭台",
        (Pavilion, Lang::En) => "Pavilion",
        (Station, Lang::Zh) => "索道站",
        (Station, Lang::En) => "Lift station",
        (Gate, Lang::Zh) => "入口·上车点",
        (Gate, Lang::En) => "Entrance or shuttle stop",
        (Hotel, Lang::Zh) => "酒店",
        (Hotel, Lang::En) => "Hotel",
        (Toilet, Lang::Zh) => "卫生间",
        (Toilet, Lang::En) => "Toilet",
        (FirstAid, Lang::Zh) => "医疗点",
        (FirstAid, Lang::En) => "First aid",
        (Rest, Lang::Zh) => "休息点",
        (Rest, Lang::En) => "Rest stop",
        (Water, Lang::Zh) => "饮水点",
        (Water, Lang::En) => "Drinking water",
    }
}

pub fn trail_kind(lang: Lang, kind: TrailKind) -> &'static str {
    use TrailKind::*;
    match (kind, lang) {
        (Steps, Lang::Zh) => "台阶",
        (Steps, Lang::En) => "Steps",
        (Path, Lang::Zh) => "步道",
        (Path, Lang::En) => "Path",
    }
}

/// A walking route in one line: `1.7 公里 · 上升 0 米 · 下降 230 米 · 约 23 分钟`.
pub fn route_summary(lang: Lang, metres: u32, up_m: u32, down_m: u32, minutes: u32) -> String {
    let length = km(lang, f64::from(metres));
    match lang {
        Lang::Zh => format!("{length} · 上升 {up_m} 米 · 下降 {down_m} 米 · 约 {minutes} 分钟"),
        Lang::En => format!("{length} · up {up_m} m · down {down_m} m · about {minutes} min"),
    }
}

/// One leg of a walking route: `台阶 · 到 莲花峰 · 0.8 公里 · 约 12 分钟`.
pub fn route_leg(lang: Lang, kind: TrailKind, to: &str, metres: u32, minutes: u32) -> String {
    let (kind, length) = (trail_kind(lang, kind), km(lang, f64::from(metres)));
    match lang {
        Lang::Zh => format!("{kind} · 到{to} · {length} · 约 {minutes} 分钟"),
        Lang::En => format!("{kind} to {to} · {length} · {minutes} min"),
    }
}

/// Where a route sets off: `从文殊台出发`.
pub fn route_from(lang: Lang, place: &str) -> String {
    match lang {
        Lang::Zh => format!("从{place}出发"),
        Lang::En => format!("From {place}"),
    }
}

/// A "+N" group's points, for screen readers.
pub fn more_here(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Zh => format!("还有 {n} 处"),
        Lang::En => format!("{n} more"),
    }
}

/// "现在人流：舒适 · 45% · 预测": a sight's crowd this hour, and where the figure comes from.
pub fn crowd_now(lang: Lang, c: &tongyou_core::api::CrowdNow) -> String {
    use tongyou_core::api::CrowdSource;
    let source = match (c.source, lang) {
        (CrowdSource::Live, Lang::Zh) => "实时",
        (CrowdSource::Live, Lang::En) => "live",
        (CrowdSource::Forecast, Lang::Zh) => "预测",
        (CrowdSource::Forecast, Lang::En) => "forecast",
        (CrowdSource::Model, Lang::Zh) => "离线估计",
        (CrowdSource::Model, Lang::En) => "offline estimate",
    };
    let said = match (c.closed, lang) {
        (true, Lang::Zh) => "现在未开放".to_owned(),
        (true, Lang::En) => "closed now".to_owned(),
        (false, _) => format!("{} · {}% · {source}", c.level.label().get(lang), c.percent),
    };
    labelled(lang, t(lang, Msg::CrowdNowLabel), &said)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_sight_says_so_instead_of_how_quiet_it_is() {
        use tongyou_core::api::{CrowdNow, CrowdSource};
        use tongyou_core::crowd::CrowdLevel;
        let mut now = CrowdNow {
            sight_id: "lotus-peak".into(),
            percent: 0,
            level: CrowdLevel::Comfortable,
            source: CrowdSource::Model,
            closed: true,
        };
        assert!(crowd_now(Lang::Zh, &now).ends_with("现在未开放"));
        assert!(crowd_now(Lang::En, &now).ends_with("closed now"));
        assert!(!crowd_now(Lang::En, &now).contains('%'));
        now.closed = false;
        assert!(crowd_now(Lang::En, &now).contains("0% · offline estimate"));
    }

    #[test]
    fn guide_figures_read_as_each_language_writes_them() {
        assert_eq!(poi_elevation(Lang::Zh, 1864), "1864 米");
        assert_eq!(poi_elevation(Lang::En, 1864), "1,864 m");
        assert_eq!(poi_elevation(Lang::En, 850), "850 m");
        assert_eq!(km(Lang::Zh, 1_240.0), "1.2 公里");
        assert_eq!(km(Lang::En, 30.0), "0.1 km");
        assert_eq!(
            distance_towards(Lang::Zh, 1_200.0, 135.0),
            "1.2 公里 · 东南"
        );
        assert_eq!(distance_towards(Lang::En, 1_200.0, 350.0), "1.2 km · N");
        assert_eq!(pack_size(Lang::Zh, 58 * 1024), "约 58 KB");
        assert_eq!(pack_size(Lang::En, 38_503), "about 38 KB");
        assert_eq!(pack_size(Lang::En, 1_300_000), "about 1.3 MB");
        assert_eq!(
            route_summary(Lang::Zh, 1_700, 0, 230, 23),
            "1.7 公里 · 上升 0 米 · 下降 230 米 · 约 23 分钟"
        );
        assert_eq!(
            route_summary(Lang::En, 1_700, 0, 230, 23),
            "1.7 km · up 0 m · down 230 m · about 23 min"
        );
    }
}
