//! The crowd model as the platform runs it, and trip planning on top of it.
//!
//! `core::crowd` forecasts from the kind of day, the season and the hour; here the
//! platform adds what only it knows: entry tickets sold for the day (a floor under the
//! forecast), people through the gates today (the turnstile counts uploaded by gates),
//! and the latest head count from each sight's sensor, which replaces the forecast for
//! the current hour. `core::planner` then plans on this forecast and on what is still
//! for sale.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Days, Duration, NaiveDate, NaiveDateTime, Timelike, Utc};
use rusqlite::params;
use tongyou_core::api::{CrowdForecast, FieldError, Plan, PlanRequest, SensorReading, SightCrowd};
use tongyou_core::calendar::{DayKind, HolidayCalendar};
use tongyou_core::catalog::Catalog;
use tongyou_core::crowd::{day_load, sight_percent};
use tongyou_core::planner::{Forecast, plan};
use tongyou_core::text::Text;

use crate::accounts::Clock;
use crate::orders::{Booking, BookingError};
use crate::sqlite::SqliteStore;
use crate::store::StoreError;

/// A head count older than this no longer says anything about now.
const LIVE_FOR: Duration = Duration::minutes(30);

#[derive(Debug, thiserror::Error)]
pub enum CrowdError {
    #[error("no region `{0}`")]
    UnknownRegion(String),
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// No feasible plan: the field is the blocking constraint.
    #[error("no plan is possible: {}", .0.message.en)]
    Blocked(FieldError),
    #[error(transparent)]
    Booking(#[from] BookingError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for CrowdError {
    fn from(e: rusqlite::Error) -> Self {
        CrowdError::Store(StoreError::Database(e))
    }
}

pub struct Crowds {
    store: Arc<SqliteStore>,
    booking: Arc<Booking>,
    catalogs: HashMap<String, Arc<Catalog>>,
    calendar: HolidayCalendar,
    clock: Clock,
}

impl Crowds {
    pub fn new(
        store: Arc<SqliteStore>,
        booking: Arc<Booking>,
        catalogs: &[Catalog],
        calendar: HolidayCalendar,
        clock: Clock,
    ) -> Crowds {
        Crowds {
            store,
            booking,
            catalogs: catalogs
                .iter()
                .map(|c| (c.region.id.clone(), Arc::new(c.clone())))
                .collect(),
            calendar,
            clock,
        }
    }

    fn catalog(&self, region_id: &str) -> Result<&Arc<Catalog>, CrowdError> {
        self.catalogs
            .get(region_id)
            .ok_or_else(|| CrowdError::UnknownRegion(region_id.to_owned()))
    }

    /// Keeps a sensor's latest head count.
    pub fn feed(&self, reading: &SensorReading) -> Result<(), CrowdError> {
        let catalog = self.catalog(&reading.region_id)?;
        let mut fields = Vec::new();
        if !catalog.sights.iter().any(|s| s.id == reading.sight_id) {
            fields.push(FieldError::new(
                "sight_id",
                "没有这个景点。",
                "There is no such sight.",
            ));
        }
        let at = DateTime::parse_from_rfc3339(&reading.at).map(|t| t.with_timezone(&Utc));
        if at.is_err() {
            fields.push(FieldError::new(
                "at",
                "时间格式不对。",
                "The time is not an RFC 3339 time.",
            ));
        }
        let Ok(at) = at else {
            return Err(CrowdError::Invalid(fields));
        };
        if !fields.is_empty() {
            return Err(CrowdError::Invalid(fields));
        }
        self.store.conn()?.execute(
            "INSERT INTO sight_sensor (region_id, sight_id, people, at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (region_id, sight_id) DO UPDATE SET people = excluded.people, at = excluded.at
             WHERE excluded.at >= sight_sensor.at",
            params![reading.region_id, reading.sight_id, reading.people, crate::orders::fmt(at)],
        )?;
        Ok(())
    }

    /// The forecast of every sight on a region-local date, with live levels where a sensor
    /// reported in the last half hour.
    pub fn forecast(&self, region_id: &str, date: &str) -> Result<CrowdForecast, CrowdError> {
        let catalog = self.catalog(region_id)?;
        let day = parse_date(date)?;
        let booked = self.booked(catalog, day)?;
        let load = day_load(catalog, &self.calendar, day, booked);
        let live = self.live(catalog, day)?;
        let sights = catalog
            .sights
            .iter()
            .map(|sight| {
                let reading = live.get(&sight.id);
                SightCrowd {
                    sight_id: sight.id.clone(),
                    name: sight.name.clone(),
                    hours: (0..24).map(|h| sight_percent(sight, &load, h)).collect(),
                    live: reading.map(|r| r.0),
                    live_at: reading.map(|r| r.1.clone()),
                }
            })
            .collect();
        Ok(CrowdForecast {
            region_id: region_id.to_owned(),
            date: date.to_owned(),
            day: describe(&load.kind),
            day_percent: (load.share * 100.0).round() as u8,
            sights,
        })
    }

    /// Three plans on the platform's forecast and what is still for sale.
    pub fn plans(&self, request: &PlanRequest) -> Result<Vec<Plan>, CrowdError> {
        let catalog = self.catalog(&request.region_id)?;
        let start = parse_date(&request.start)?;
        let days = request.days.clamp(1, 5);
        let dates: Vec<NaiveDate> = (0..days).map(|i| start + Days::new(u64::from(i))).collect();
        let mut booked = HashMap::new();
        for date in &dates {
            booked.insert(*date, self.booked(catalog, *date)?);
        }
        let mut forecast = Forecast::from_model(catalog, &self.calendar, &dates, |d| {
            booked.get(&d).copied().unwrap_or(0)
        });
        let now = self.local_now(catalog);
        for (sight, (percent, _)) in self.live(catalog, now.date())? {
            forecast.set(now.date(), &sight, now.hour() as u8, percent);
        }
        let vacancy = self.booking.vacancy(catalog, start, days)?;
        plan(catalog, request, &vacancy, &forecast, now).map_err(|blocked| {
            CrowdError::Blocked(FieldError {
                field: blocked.constraint,
                message: blocked.message,
            })
        })
    }

    /// Tickets sold for the day, or people already through the gates if more.
    fn booked(&self, catalog: &Catalog, date: NaiveDate) -> Result<u32, CrowdError> {
        let sold = self.booking.entries_sold(catalog, date)?;
        let admitted: i64 = self.store.conn()?.query_row(
            "SELECT COALESCE(SUM(people), 0) FROM gate_count WHERE region_id = ?1 AND substr(hour, 1, 10) = ?2",
            params![catalog.region.id, date.to_string()],
            |r| r.get(0),
        )?;
        Ok(sold.max(u32::try_from(admitted).unwrap_or(u32::MAX)))
    }

    /// Live percent and reading time per sight, for readings of the last half hour on
    /// `date` (region-local).
    fn live(
        &self,
        catalog: &Catalog,
        date: NaiveDate,
    ) -> Result<HashMap<String, (u8, String)>, CrowdError> {
        let now = (self.clock)();
        if self.local_now(catalog).date() != date {
            return Ok(HashMap::new());
        }
        let conn = self.store.conn()?;
        let mut stmt = conn.prepare_cached(
            "SELECT sight_id, people, at FROM sight_sensor WHERE region_id = ?1 AND at >= ?2",
        )?;
        let rows = stmt.query_map(
            params![catalog.region.id, crate::orders::fmt(now - LIVE_FOR)],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, u32>(1)?,
                    r.get::<_, String>(2)?,
                ))
            },
        )?;
        let mut live = HashMap::new();
        for row in rows {
            let (sight_id, people, at) = row?;
            let Some(sight) = catalog.sights.iter().find(|s| s.id == sight_id) else {
                continue;
            };
            // Without a stated capacity, a sight holds what a visit's length suggests.
            let capacity = sight
                .capacity
                .unwrap_or(u32::from(sight.visit_minutes) * 5)
                .max(1);
            let percent = (u64::from(people) * 100 / u64::from(capacity)).min(100) as u8;
            live.insert(sight_id, (percent, at));
        }
        Ok(live)
    }

    fn local_now(&self, catalog: &Catalog) -> NaiveDateTime {
        tongyou_core::discover::local_now(catalog, (self.clock)())
    }
}

fn parse_date(date: &str) -> Result<NaiveDate, CrowdError> {
    tongyou_core::clock::parse_date(date).ok_or_else(|| {
        CrowdError::Invalid(vec![FieldError::new(
            "date",
            "日期格式应为 YYYY-MM-DD。",
            "Dates are YYYY-MM-DD.",
        )])
    })
}

fn describe(kind: &DayKind) -> Text {
    match kind {
        DayKind::Workday => Text::new("工作日", "Workday"),
        DayKind::Weekend => Text::new("周末", "Weekend"),
        DayKind::Holiday {
            name, day, length, ..
        } => Text::new(
            format!("{}假期第 {day} 天（共 {length} 天）", name.zh),
            format!("{}, day {day} of {length}", name.en),
        ),
        DayKind::MakeUpWorkday { name } => Text::new(
            format!("调休上班日（{}）", name.zh),
            format!("Make-up working day ({})", name.en),
        ),
    }
}
