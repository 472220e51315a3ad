//! The privacy notice a tourist agrees to before the first saved traveller: an ID number is
//! sensitive personal information under PIPL, processed only with separate consent and
//! only where a real-name ticket needs it. The text ships with the app, so the notice reads
//! offline; the version is what the platform records with the consent.

use crate::text::Text;

/// The notice's version: a consent counts for this version only.
pub const NOTICE_VERSION: &str = "2026-12-04";

/// The privacy notice, in both languages.
pub fn notice() -> Text {
    Text::new(
        "通游为您和同行旅客办理实名门票时，需要处理证件号码、姓名和出生日期。\
         证件号码属于敏感个人信息：只加密保存，只在实名购票时使用，页面、票面、日志和分享中只显示打码后的号码，\
         票面二维码中不含任何可还原证件号码的信息。\
         手机号只用于登录和行程通知。您可以随时在「我的」中导出自己的数据，或注销账户：\
         注销后常用旅客、证件号码和登录状态立即删除，订单只保留财务必需的信息。\
         添加他人为常用旅客前，请确认已取得本人同意。",
        "To issue real-name tickets for you and the people you travel with, Tongyou processes \
         their ID numbers, names and birth dates. An ID number is sensitive personal information: \
         it is kept only encrypted, used only for real-name tickets, and shown only masked on \
         screens, tickets, logs and shares; a ticket's QR code holds nothing that gives the \
         number back. Your mobile number is used only to sign you in and to send trip notices. \
         You can export your data or delete your account at any time under Me: deleting removes \
         your saved travellers, their ID numbers and your sessions at once, and your orders keep \
         only what accounting needs. Before saving someone else as a traveller, make sure they \
         agree.",
    )
}
