//! Personal identifiers a real-name ticket needs: the mainland resident ID number
//! (GB 11643-1999) and the mobile number. Validation only; storing and masking policy
//! (PIPL: never log or return an ID number in full) is the callers' duty, helped by
//! [`ResidentId::masked`].

use std::fmt;

use chrono::NaiveDate;

use crate::api::{FieldError, IdKind, TravellerInput};
use crate::text::{Lang, Text};

/// Weights of the first 17 digits, and the check character for each remainder mod 11.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// A resident ID number whose format, birth date and check digit are valid.
#[derive(Clone, PartialEq, Eq)]
pub struct ResidentId {
    number: String,
    birth_date: NaiveDate,
}

/// Deliberately prints only the masked form, so an ID never lands in a log in full.
impl fmt::Debug for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResidentId({})", self.masked())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ResidentIdError {
    #[error("an ID number has 18 characters, this one has {0}")]
    Length(usize),
    #[error("an ID number is 17 digits followed by a digit or X")]
    Characters,
    #[error("the birth date inside the ID number is not a real date")]
    BirthDate,
    #[error("the last character should be {expected}: a digit is mistyped")]
    CheckDigit { expected: char },
}

impl ResidentIdError {
    /// The message for the person who typed it, naming the field.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ResidentIdError::Length(n), Lang::Zh) => format!("身份证号应为 18 位，当前为 {n} 位"),
            (ResidentIdError::Length(n), Lang::En) => {
                format!("ID number: 18 characters needed, {n} given")
            }
            (ResidentIdError::Characters, Lang::Zh) => {
                "身份证号应为 17 位数字加 1 位数字或 X".into()
            }
            (ResidentIdError::Characters, Lang::En) => {
                "ID number: 17 digits then a digit or X".into()
            }
            (ResidentIdError::BirthDate, Lang::Zh) => "身份证号中的出生日期无效".into(),
            (ResidentIdError::BirthDate, Lang::En) => {
                "ID number: the birth date in it is not a real date".into()
            }
            (ResidentIdError::CheckDigit { .. }, Lang::Zh) => {
                "身份证号校验位不正确，请检查是否输错".into()
            }
            (ResidentIdError::CheckDigit { .. }, Lang::En) => {
                "ID number: the check digit does not match; a digit may be mistyped".into()
            }
        }
    }
}

impl ResidentId {
    /// Validates `input` (spaces ignored, a lower-case x accepted).
    pub fn parse(input: &str) -> Result<ResidentId, ResidentIdError> {
        let number: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        let chars: Vec<char> = number.chars().collect();
        if chars.len() != 18 {
            return Err(ResidentIdError::Length(chars.len()));
        }
        let (body, last) = (&chars[..17], chars[17]);
        if !body.iter().all(char::is_ascii_digit) || !(last.is_ascii_digit() || last == 'X') {
            return Err(ResidentIdError::Characters);
        }
        let digits: String = body[6..14].iter().collect();
        let birth_date =
            NaiveDate::parse_from_str(&digits, "%Y%m%d").map_err(|_| ResidentIdError::BirthDate)?;
        let expected = check_character(body.iter().copied());
        if last != expected {
            return Err(ResidentIdError::CheckDigit { expected });
        }
        Ok(ResidentId { number, birth_date })
    }

    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }

    /// `3401**********123X`: enough to recognise one's own, useless to anyone else.
    pub fn masked(&self) -> String {
        format!(
            "{}{}{}",
            &self.number[..4],
            "*".repeat(10),
            &self.number[14..]
        )
    }

    /// The full number, for the one place that must store it (encrypted).
    pub fn expose(&self) -> &str {
        &self.number
    }
}

/// The check character (GB 11643-1999) of an ID number's first 17 digits; anything that
/// is not a digit counts as 0, so only call it on digits.
pub(crate) fn check_character(body: impl Iterator<Item = char>) -> char {
    let sum: u32 = body
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    CHECK[(sum % 11) as usize]
}

/// A mainland mobile number: 11 digits starting with 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mobile(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MobileError {
    #[error("a mobile number has 11 digits, this one has {0}")]
    Length(usize),
    #[error("a mobile number has only digits and starts with 1")]
    Format,
}

impl MobileError {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (MobileError::Length(n), Lang::Zh) => format!("手机号应为 11 位数字，当前为 {n} 位"),
            (MobileError::Length(n), Lang::En) => {
                format!("Mobile number: 11 digits needed, {n} given")
            }
            (MobileError::Format, Lang::Zh) => "手机号应以 1 开头且只含数字".into(),
            (MobileError::Format, Lang::En) => "Mobile number: digits only, starting with 1".into(),
        }
    }
}

impl Mobile {
    /// Accepts spaces and dashes (`138 0013 8000`) and a `+86` prefix.
    pub fn parse(input: &str) -> Result<Mobile, MobileError> {
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        let local = compact.strip_prefix("+86").unwrap_or(&compact);
        if !local.chars().all(|c| c.is_ascii_digit()) {
            return Err(MobileError::Format);
        }
        if local.len() != 11 {
            return Err(MobileError::Length(local.len()));
        }
        if !local.starts_with('1') {
            return Err(MobileError::Format);
        }
        Ok(Mobile(local.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `138****8000`.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

/// A saved traveller's details once every field checks out. No `Debug`: it holds the
/// full ID number.
pub struct ValidTraveller {
    pub name: String,
    /// Normalised (a resident ID's `x` upper-cased, a passport's spaces dropped).
    pub id_number: String,
    pub id_masked: String,
    pub birth_date: NaiveDate,
}

/// Checks a saved traveller's fields and reports all problems at once, so a form can mark
/// them together; the platform and the device ask the same question.
pub fn validate_traveller(
    input: &TravellerInput,
    today: NaiveDate,
) -> Result<ValidTraveller, Vec<FieldError>> {
    let mut problems = Vec::new();
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        problems.push(FieldError::new(
            "name",
            "请填写姓名",
            "Name: please fill in the name",
        ));
    } else if name.chars().count() > 40 {
        problems.push(FieldError::new(
            "name",
            "姓名不能超过 40 个字",
            "Name: at most 40 characters",
        ));
    } else if name.chars().any(char::is_control) {
        problems.push(FieldError::new(
            "name",
            "姓名不能包含换行、制表符等控制字符",
            "Name: no line breaks, tabs or other control characters",
        ));
    }
    let given_birth = match input
        .birth_date
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(text) => match crate::clock::parse_date(text).ok_or(()) {
            Ok(d) if d > today => {
                problems.push(FieldError::new(
                    "birth_date",
                    "出生日期不能晚于今天",
                    "Birth date: cannot be in the future",
                ));
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                problems.push(FieldError::new(
                    "birth_date",
                    "出生日期格式应为 年-月-日，如 1990-05-01",
                    "Birth date: use YYYY-MM-DD, e.g. 1990-05-01",
                ));
                None
            }
        },
    };
    let id = match input.id_kind {
        IdKind::ResidentId => match ResidentId::parse(&input.id_number) {
            Ok(id) => {
                if given_birth.is_some_and(|b| b != id.birth_date()) {
                    problems.push(FieldError::new(
                        "birth_date",
                        "出生日期与身份证号不一致",
                        "Birth date: does not match the ID number",
                    ));
                }
                if id.birth_date() > today {
                    problems.push(FieldError::new(
                        "id_number",
                        "身份证号中的出生日期晚于今天",
                        "ID number: birth date is in the future",
                    ));
                }
                Some((id.expose().to_owned(), id.masked(), id.birth_date()))
            }
            Err(e) => {
                problems.push(FieldError {
                    field: "id_number".into(),
                    message: Text::new(e.message(Lang::Zh), e.message(Lang::En)),
                });
                None
            }
        },
        IdKind::Passport => {
            let number: String = input
                .id_number
                .split_whitespace()
                .collect::<String>()
                .to_uppercase();
            let ok = (5..=20).contains(&number.len())
                && number.chars().all(|c| c.is_ascii_alphanumeric());
            if !ok {
                problems.push(FieldError::new(
                    "id_number",
                    "护照号应为 5 至 20 位字母或数字",
                    "Passport number: 5 to 20 letters or digits",
                ));
            }
            if given_birth.is_none()
                && input
                    .birth_date
                    .as_deref()
                    .is_none_or(|s| s.trim().is_empty())
            {
                problems.push(FieldError::new(
                    "birth_date",
                    "使用护照时请填写出生日期",
                    "Birth date: needed with a passport",
                ));
            }
            match (ok, given_birth) {
                (true, Some(birth)) => {
                    let masked = format!(
                        "{}{}{}",
                        &number[..2],
                        "*".repeat(number.len() - 4),
                        &number[number.len() - 2..]
                    );
                    Some((number, masked, birth))
                }
                _ => None,
            }
        }
    };
    match id {
        Some((id_number, id_masked, birth_date)) if problems.is_empty() => Ok(ValidTraveller {
            name,
            id_number,
            id_masked,
            birth_date,
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    // The two worked examples printed in GB 11643-1999 itself.
    #[rstest]
    #[case("11010519491231002X", "1949-12-31")]
    #[case("440524188001010014", "1880-01-01")]
    #[case("11010519491231002x", "1949-12-31")]
    #[case(" 440524 18800101 0014 ", "1880-01-01")]
    fn accepts_valid_numbers(#[case] input: &str, #[case] birth: &str) {
        let id = ResidentId::parse(input).unwrap();
        assert_eq!(id.birth_date().to_string(), birth);
    }

    #[rstest]
    #[case("110105194912310021", ResidentIdError::CheckDigit { expected: 'X' })]
    #[case("440524188001010015", ResidentIdError::CheckDigit { expected: '4' })]
    #[case("11010519491231002", ResidentIdError::Length(17))]
    #[case("1101051949123100X2", ResidentIdError::Characters)]
    #[case("110105194902300021", ResidentIdError::BirthDate)]
    fn rejects_with_the_reason(#[case] input: &str, #[case] error: ResidentIdError) {
        assert_eq!(ResidentId::parse(input), Err(error));
    }

    #[test]
    fn any_single_digit_typo_is_caught() {
        let valid = "440524188001010014";
        for pos in 0..17 {
            for d in '0'..='9' {
                let mut chars: Vec<char> = valid.chars().collect();
                if chars[pos] == d {
                    continue;
                }
                chars[pos] = d;
                let typo: String = chars.into_iter().collect();
                assert!(ResidentId::parse(&typo).is_err(), "{typo} passed");
            }
        }
    }

    #[test]
    fn masks_all_but_the_ends_and_never_debug_prints_in_full() {
        let id = ResidentId::parse("11010519491231002X").unwrap();
        assert_eq!(id.masked(), "1101**********002X");
        assert!(!format!("{id:?}").contains("19491231"));
    }

    #[test]
    fn messages_name_the_field_in_both_languages() {
        let e = ResidentIdError::CheckDigit { expected: 'X' };
        assert!(e.message(Lang::Zh).contains("身份证号"));
        assert!(e.message(Lang::En).starts_with("ID number"));
        assert!(MobileError::Length(10).message(Lang::Zh).contains("11 位"));
    }

    #[rstest]
    #[case("13800138000", Ok("13800138000"))]
    #[case("+86 138-0013-8000", Ok("13800138000"))]
    #[case("1380013800", Err(MobileError::Length(10)))]
    #[case("23800138000", Err(MobileError::Format))]
    #[case("1380013800a", Err(MobileError::Format))]
    fn mobile_numbers(#[case] input: &str, #[case] expected: Result<&str, MobileError>) {
        assert_eq!(
            Mobile::parse(input)
                .as_ref()
                .map(Mobile::as_str)
                .map_err(|e| *e),
            expected
        );
    }

    #[test]
    fn masks_mobile_numbers() {
        assert_eq!(
            Mobile::parse("13800138000").unwrap().masked(),
            "138****8000"
        );
    }

    #[test]
    fn names_refuse_control_characters_and_dates_take_one_form() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let problems = validate_traveller(
            &TravellerInput {
                name: "Ann\u{7}Lee".into(),
                id_kind: IdKind::Passport,
                id_number: "E12345678".into(),
                birth_date: Some("+001990-01-01".into()),
                consent: None,
            },
            today,
        )
        .err()
        .unwrap();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["name", "birth_date"]);
        assert!(problems[0].message.en.contains("control"));
    }

    #[test]
    fn all_bad_fields_are_reported_together() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let problems = validate_traveller(
            &TravellerInput {
                name: " ".into(),
                id_kind: IdKind::ResidentId,
                id_number: "110105194912310021".into(),
                birth_date: Some("2030-01-01".into()),
                consent: None,
            },
            today,
        )
        .err()
        .unwrap();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["name", "birth_date", "id_number"]);
        assert!(problems[2].message.zh.contains("校验位"));
    }

    #[test]
    fn passports_need_a_birth_date() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let input = |birth: Option<&str>| TravellerInput {
            name: "Ann Lee".into(),
            id_kind: IdKind::Passport,
            id_number: "e12345678".into(),
            birth_date: birth.map(str::to_owned),
            consent: None,
        };
        let problems = validate_traveller(&input(None), today).err().unwrap();
        assert_eq!(problems[0].field, "birth_date");
        let ok = validate_traveller(&input(Some("1990-05-01")), today)
            .ok()
            .unwrap();
        assert_eq!(ok.id_masked, "E1*****78");
        assert_eq!(ok.id_number, "E12345678");
    }
}
