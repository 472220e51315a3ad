//! Bilingual text. Catalog content carries both languages, so switching language never
//! needs the network; the UI chooses which half to show.

use serde::{Deserialize, Serialize};

/// The languages the product speaks. Chinese first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Lang {
    #[default]
    #[serde(rename = "zh-CN")]
    Zh,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// Picks a language from a BCP 47 tag such as `zh-Hans-CN` or `en-GB`; anything that
    /// is not English falls back to Chinese, the product's default.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.trim().to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Zh
        }
    }

    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
}

/// A piece of text in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }

    pub(crate) fn is_blank(&self) -> bool {
        self.zh.trim().is_empty() || self.en.trim().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("en-US", Lang::En)]
    #[case("EN", Lang::En)]
    #[case("zh-Hans-CN", Lang::Zh)]
    #[case("zh-TW", Lang::Zh)]
    #[case("fr-FR", Lang::Zh)]
    #[case("", Lang::Zh)]
    fn language_from_system_tag(#[case] tag: &str, #[case] expected: Lang) {
        assert_eq!(Lang::from_tag(tag), expected);
    }

    #[test]
    fn text_picks_the_language() {
        let t = Text::new("光明顶", "Bright Summit");
        assert_eq!(t.get(Lang::Zh), "光明顶");
        assert_eq!(t.get(Lang::En), "Bright Summit");
    }
}
