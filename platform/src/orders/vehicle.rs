//! A shuttle's vehicle and driver: what the transport company gives a booked departure
//! the evening before, and may change. Kept per transport sub-order, shown on it, and told
//! to the tourist's devices as a `vehicle_assigned` event. Only dev mode has a route to it
//! (`POST /dev/vehicle`); a transport company's feed would call the same method.

use tongyou_core::api::{EventKind, Vehicle};

use super::*;
use crate::events;

/// Longest plate, driver name and phone number taken, in characters.
const MAX_PLATE: usize = 16;
const MAX_DRIVER: usize = 32;
const MAX_PHONE: usize = 20;

impl Booking {
    /// Gives an order's shuttle booking its vehicle, or another one: the transport
    /// sub-order `sub_order_id`, or the order's one transport sub-order when `None`. The
    /// sub-order must be confirmed. One unit with its event; the same vehicle again
    /// changes nothing and tells nobody. Answers with the order as it now is.
    pub fn assign_vehicle(
        &self,
        order_id: i64,
        sub_order_id: Option<i64>,
        vehicle: &Vehicle,
    ) -> Result<Order, BookingError> {
        let vehicle = checked(vehicle)?;
        let account = self.store.atomically(|| {
            let row = records::order_row(&self.store, order_id)?.ok_or(BookingError::NotFound)?;
            let subs = records::sub_orders(&self.store, order_id)?;
            let sub = subs
                .iter()
                .find(|s| s.module == Module::Transport && sub_order_id.is_none_or(|id| id == s.id))
                .ok_or(BookingError::NotFound)?;
            if !matches!(sub.state.as_str(), "confirmed" | "adjusted") {
                return Err(BookingError::Conflict(format!(
                    "a shuttle booking that is {} gets no vehicle",
                    sub.state
                )));
            }
            let now = self.now_s();
            if records::set_vehicle(&self.store, sub.id, &vehicle, &now)? {
                events::record(&self.store, order_id, EventKind::VehicleAssigned, &now)?;
            }
            Ok(row.account_id)
        })?;
        self.order(account, order_id)
    }
}

/// The vehicle trimmed, each field present and not too long.
fn checked(vehicle: &Vehicle) -> Result<Vehicle, BookingError> {
    let field = |name: &str, value: &str, max: usize, what: (&str, &str)| {
        let value = value.trim();
        let count = value.chars().count();
        if count == 0 || count > max {
            Err(FieldError::new(
                name,
                format!("{}应为 1 到 {max} 个字符。", what.0),
                format!("The {} must be 1 to {max} characters.", what.1),
            ))
        } else {
            Ok(value.to_owned())
        }
    };
    let plate = field("plate", &vehicle.plate, MAX_PLATE, ("车牌号", "plate"));
    let driver = field(
        "driver",
        &vehicle.driver,
        MAX_DRIVER,
        ("司机姓名", "driver"),
    );
    let phone = field(
        "driver_phone",
        &vehicle.driver_phone,
        MAX_PHONE,
        ("司机电话", "driver's phone"),
    )
    .and_then(|phone| {
        if phone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' '))
        {
            Ok(phone)
        } else {
            Err(FieldError::new(
                "driver_phone",
                "司机电话只能包含数字、空格、+ 和 -。",
                "The driver's phone takes digits, spaces, + and - only.",
            ))
        }
    });
    match (plate, driver, phone) {
        (Ok(plate), Ok(driver), Ok(driver_phone)) => Ok(Vehicle {
            plate,
            driver,
            driver_phone,
        }),
        (plate, driver, phone) => Err(BookingError::Invalid(
            [plate.err(), driver.err(), phone.err()]
                .into_iter()
                .flatten()
                .collect(),
        )),
    }
}
