//! The UI's own words in Chinese and English.
//!
//! Catalog content arrives bilingual from the data files; only the interface's fixed
//! words live here. One `match` per message means a message without both languages does
//! not compile, which is the guarantee an i18n crate would give us, without pulling a
//! second reactive runtime and ICU data into a bundle that has to stay small.

use tongyou_core::api::{OrderState, PaymentState, Provider, SubOrderState};
use tongyou_core::catalog::{Fen, HotelArea, LiftKind, SightKind};
use tongyou_core::clock::ClockTime;
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
    SignedInAs,
    Travellers,
    TravellersHint,
    AddTraveller,
    Name,
    IdKind,
    ResidentId,
    Passport,
    IdNumber,
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
    QrLater,
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
        (QrLater, Lang::Zh) => "二维码将在票夹中显示；这里先显示票码。",
        (QrLater, Lang::En) => {
            "The QR code will show in the ticket wallet; the code is shown here for now."
        }
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
