//! `planner [RUNS]`: how long the planner takes to produce three plans for a 3-day family
//! trip over the full demo region. Prints the median and the slowest run; the forecast is
//! built once beforehand (the platform keeps it), and its time is printed apart.

use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use tongyou_core::api::{PlanParty, PlanRequest, Profile};
use tongyou_core::calendar::HolidayCalendar;
use tongyou_core::catalog::Catalog;
use tongyou_core::planner::{Forecast, Vacancy, plan};

pub fn run(runs: usize) -> anyhow::Result<()> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../assets/regions/huangshan.toml"
    );
    let catalog = Catalog::from_toml(path, &std::fs::read_to_string(path)?)?;
    let start: NaiveDate = "2026-10-03".parse()?;
    let request = PlanRequest {
        region_id: catalog.region.id.clone(),
        start: start.to_string(),
        days: 3,
        party: PlanParty {
            adults: 2,
            children: vec![8],
            seniors: 1,
        },
        profile: Profile::Family,
        budget_yuan: None,
    };
    let dates: Vec<_> = (0..3).map(|i| start + Days::new(i)).collect();
    let built = Instant::now();
    let forecast = Forecast::from_model(&catalog, &HolidayCalendar::china(), &dates, |_| 20_000);
    let forecast_time = built.elapsed();
    let now = "2026-09-01T09:00:00".parse()?;

    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    let mut steps = 0;
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        let plans = plan(&catalog, &request, &Vacancy::default(), &forecast, now)
            .map_err(|b| anyhow::anyhow!("no plan: {}", b.message.en))?;
        times.push(started.elapsed());
        steps = plans
            .iter()
            .flat_map(|p| &p.days)
            .map(|d| d.steps.len())
            .sum();
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "planner: 3 plans for a 3-day trip (2 adults, a child, a senior) over {} sights, {} lifts, {} hotels; {steps} steps in all",
        catalog.sights.len(),
        catalog.cable_cars.len(),
        catalog.hotels.len()
    );
    println!(
        "  median {:.2} ms, slowest {:.2} ms over {} runs (target ≤ 20 ms); forecast built once in {:.2} ms",
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
        times.len(),
        ms(forecast_time)
    );
    Ok(())
}
