use super::*;

/// A small but complete region, used to show each rule in isolation.
pub(crate) const MINI: &str = r#"
[region]
id = "mini"
name = { zh = "小山", en = "Little Hill" }
summary = { zh = "测试用", en = "For tests" }
demo = true
utc_offset_minutes = 480
center = { lat = 30.0, lon = 118.0 }
daily_capacity = 1000

[[seasons]]
id = "peak"
name = { zh = "旺季", en = "Peak season" }
from = "03-01"
to = "11-30"

[[seasons]]
id = "off"
name = { zh = "淡季", en = "Off season" }
from = "12-01"
to = "02-29"

[[slots]]
id = "morning"
start = "06:00"
end = "12:00"
quota = 600

[[tickets]]
id = "entry"
kind = "entry"
name = { zh = "门票", en = "Entry ticket" }
price = { peak = 190, off = 150 }

[[discounts]]
id = "child-free"
name = { zh = "6岁以下免票", en = "Under 6 free" }
tickets = ["entry"]
below_age = 6
pay_percent = 0

[[sights]]
id = "top"
kind = "peak"
name = { zh = "山顶", en = "Summit" }
summary = { zh = "最高处", en = "The highest point" }
location = { lat = 30.01, lon = 118.01 }
elevation_m = 1200
visit_minutes = 30
tags = ["sunrise"]

[[sights]]
id = "hall"
kind = "temple"
name = { zh = "古寺", en = "Old Temple" }
summary = { zh = "山腰古寺", en = "A temple halfway up" }
location = { lat = 30.02, lon = 118.02 }
elevation_m = 800
hours = { open = "08:00", close = "17:00" }
visit_minutes = 45

[[cable_cars]]
id = "lift"
kind = "cable_car"
name = { zh = "索道", en = "Cable car" }
lower = { name = { zh = "下站", en = "Lower" }, location = { lat = 30.0, lon = 118.0 }, elevation_m = 500 }
upper = { name = { zh = "上站", en = "Upper" }, location = { lat = 30.01, lon = 118.01 }, elevation_m = 1100 }
length_m = 2000
ride_minutes = 10
hours = [
  { season = "peak", open = "07:00", close = "16:30" },
  { season = "off", open = "08:00", close = "16:00" },
]
price = { peak = 80, off = 65 }

[[hotels]]
id = "inn"
name = { zh = "山顶客栈", en = "Summit Inn" }
area = "summit"
grade = 3
location = { lat = 30.01, lon = 118.01 }
elevation_m = 1150
check_in = "14:00"
check_out = "12:00"

[[hotels.room_types]]
id = "twin"
name = { zh = "标准间", en = "Twin room" }
sleeps = 2
rooms = 10
price = { peak = 900, off = 600 }

[[hotels.room_types]]
id = "dorm"
name = { zh = "多人间床位", en = "Dorm bed" }
sleeps = 1
rooms = 20
price = { peak = 300, off = 200 }

[[shuttles]]
id = "bus"
name = { zh = "接驳车", en = "Shuttle" }
from = { name = { zh = "镇上", en = "Town" }, location = { lat = 29.99, lon = 117.99 } }
to = { name = { zh = "山门", en = "Gate" }, location = { lat = 30.0, lon = 118.0 } }
ride_minutes = 20
seats = 40
timetable = { first = "06:00", last = "17:00", every_minutes = 30 }
price = { peak = 19, off = 19 }
"#;

pub(crate) fn mini() -> Catalog {
    Catalog::from_toml("mini.toml", MINI).unwrap()
}

/// The shipped demo region.
pub(crate) fn huangshan() -> Catalog {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../assets/regions/huangshan.toml"
    );
    Catalog::from_toml(path, &std::fs::read_to_string(path).unwrap()).unwrap()
}

fn error_for(edit: impl FnOnce(String) -> String) -> CatalogError {
    Catalog::from_toml("mini.toml", &edit(MINI.to_owned())).unwrap_err()
}

#[test]
fn loads_a_complete_region() {
    let c = mini();
    assert_eq!(c.region.id, "mini");
    assert_eq!(c.sights.len(), 2);
    assert_eq!(c.hotels[0].room_types.len(), 2);
    assert_eq!(c.entry_ticket().unwrap().id, "entry");
}

#[test]
fn seasons_wrap_the_new_year() {
    let c = mini();
    let on = |y, m, d| {
        c.season_on(chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap())
            .unwrap()
            .id
            .clone()
    };
    assert_eq!(on(2026, 11, 30), "peak");
    assert_eq!(on(2026, 12, 1), "off");
    assert_eq!(on(2027, 1, 15), "off");
    assert_eq!(on(2028, 2, 29), "off");
    assert_eq!(on(2027, 3, 1), "peak");
}

#[test]
fn version_changes_with_content() {
    let a = mini();
    let mut b = mini();
    assert_eq!(a.version(), b.version());
    b.sights[0].elevation_m += 1;
    assert_ne!(a.version(), b.version());
}

#[test]
fn timetable_lists_every_departure() {
    let c = mini();
    let deps: Vec<String> = c.shuttles[0]
        .timetable
        .departures()
        .map(|t| t.to_string())
        .collect();
    assert_eq!(deps.first().unwrap(), "06:00");
    assert_eq!(deps.last().unwrap(), "17:00");
    assert_eq!(deps.len(), 23);
}

#[test]
fn wrong_type_names_file_and_field() {
    let e = error_for(|s| s.replace("elevation_m = 800", "elevation_m = \"high\""));
    assert_eq!(e.file, "mini.toml");
    assert_eq!(e.field, "sights[1].elevation_m");
    assert!(
        e.to_string()
            .starts_with("mini.toml: sights[1].elevation_m: "),
        "{e}"
    );
}

#[test]
fn missing_field_names_its_parent() {
    let e = error_for(|s| s.replace("visit_minutes = 45\n", ""));
    assert_eq!(e.field, "sights[1]");
    assert!(e.problem.contains("visit_minutes"), "{}", e.problem);
}

#[test]
fn unknown_field_is_refused() {
    let e = error_for(|s| s.replace("visit_minutes = 45", "visit_minutes = 45\nvisit_mins = 3"));
    assert!(e.problem.contains("visit_mins"), "{}", e.problem);
}

#[test]
fn syntax_error_is_reported_with_the_file() {
    let e = error_for(|s| s.replace("[[sights]]", "[[sights]"));
    assert_eq!(e.file, "mini.toml");
    assert_eq!(e.field, "(syntax)");
}

#[test]
fn bad_clock_time_names_the_field() {
    let e = error_for(|s| s.replace("close = \"17:00\"", "close = \"5pm\""));
    assert_eq!(e.field, "sights[1].hours.close");
    assert!(e.problem.contains("5pm"));
}

#[test]
fn closing_before_opening_is_refused() {
    let e = error_for(|s| s.replace("close = \"17:00\"", "close = \"07:00\""));
    assert_eq!(e.field, "sights[1].hours.close");
}

#[test]
fn duplicate_ids_are_refused() {
    let e = error_for(|s| s.replace("id = \"hall\"", "id = \"top\""));
    assert_eq!(e.field, "sights[1].id");
    assert!(e.problem.contains("twice"));
}

#[test]
fn a_price_for_every_season() {
    let e = error_for(|s| s.replace("price = { peak = 80, off = 65 }", "price = { peak = 80 }"));
    assert_eq!(e.field, "cable_cars[0].price");
    assert!(e.problem.contains("off"));
}

#[test]
fn seasons_must_cover_the_year() {
    let e = error_for(|s| s.replace("to = \"02-29\"", "to = \"02-27\""));
    assert_eq!(e.field, "seasons");
    assert!(e.problem.contains("02-28"), "{}", e.problem);
}

#[test]
fn discounts_must_name_real_tickets() {
    let e = error_for(|s| s.replace("tickets = [\"entry\"]", "tickets = [\"entyr\"]"));
    assert_eq!(e.field, "discounts[0].tickets[0]");
}

#[test]
fn gates_must_admit_real_products() {
    let gate = |admits: &str| {
        format!(
            "\n[[gates]]\nid = \"front\"\nname = {{ zh = \"前门\", en = \"Front gate\" }}\nlocation = {{ lat = 30.0, lon = 118.0 }}\nadmits = {admits}\n"
        )
    };
    let ok = Catalog::from_toml(
        "mini.toml",
        &format!("{MINI}{}", gate(r#"["entry", "bus"]"#)),
    )
    .unwrap();
    assert_eq!(ok.gate("front").unwrap().admits, ["entry", "bus"]);
    assert_eq!(ok.product_name("bus").unwrap().en, "Shuttle");

    let e = error_for(|s| format!("{s}{}", gate(r#"["entry", "tram"]"#)));
    assert_eq!(e.field, "gates[0].admits[1]");
    let e = error_for(|s| format!("{s}{}", gate("[]")));
    assert_eq!(e.field, "gates[0].admits");
}

/// Every product a pass is issued for opens at least one gate of the demo region.
#[test]
fn every_demo_product_has_a_gate() {
    let c = huangshan();
    let products = c
        .tickets
        .iter()
        .map(|t| &t.id)
        .chain(c.cable_cars.iter().map(|l| &l.id))
        .chain(c.shuttles.iter().map(|s| &s.id));
    for product in products {
        assert!(
            c.gates.iter().any(|g| g.admits.contains(product)),
            "no gate admits `{product}`"
        );
    }
}

#[test]
fn slot_quotas_fit_the_daily_capacity() {
    let e = error_for(|s| s.replace("quota = 600", "quota = 6000"));
    assert_eq!(e.field, "slots");
}

#[test]
fn missing_language_is_refused() {
    let e = error_for(|s| s.replace("en = \"Old Temple\"", "en = \" \""));
    assert_eq!(e.field, "sights[1].name");
}

#[test]
fn money_displays_in_yuan() {
    assert_eq!(Fen::from_yuan(190).display_yuan(), "¥190");
    assert_eq!(Fen(1250).display_yuan(), "¥12.50");
}

/// The shipped data files are loaded by the same code the platform runs.
#[test]
fn shipped_regions_load() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/regions");
    let mut loaded = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path).unwrap();
            let catalog = Catalog::from_toml(&path.display().to_string(), &text).unwrap();
            assert!(
                catalog.region.demo,
                "{} must be marked as demo data",
                path.display()
            );
            loaded += 1;
        }
    }
    assert!(loaded >= 1, "no region data file found in {dir}");
}
