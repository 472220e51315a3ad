//! The UI's own words in Chinese and English.
//!
//! Catalog content arrives bilingual from the data files; only the interface's fixed
//! words live here. One `match` per message means a message without both languages does
//! not compile, which is the guarantee an i18n crate would give us, without pulling a
//! second reactive runtime and ICU data into a bundle that has to stay small.

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
