//! Disruptions on the device: the ones that hit the tourist's orders, with their ways out
//! (fresh from the platform when it answers, else as last heard, so the trip still says
//! what happened with no network), and applying one way out, which needs the platform.

use tongyou_core::api::{Affected, ApplyWayOut, Order};

use crate::booking::keep;
use crate::{CommandError, Device};

impl Device {
    /// The disruptions that hit the tourist's orders: the platform's word when it
    /// answers (then kept), else the device's last copy.
    pub async fn disruptions(&self) -> Result<Vec<Affected>, CommandError> {
        let session = self.signed_in()?;
        match self.client.disruptions(&session.token).await {
            Ok(hit) => {
                self.store.save_disruptions(session.account_id, &hit)?;
                Ok(hit)
            }
            Err(e) if e.is_offline() => Ok(self.store.disruptions(session.account_id)?),
            Err(e) => Err(self.on_platform_error(e.into())),
        }
    }

    /// Applies one way out of a disruption to an order. The key names the choice, so
    /// asking again (a lost answer) replays it rather than applying it twice. The order
    /// as it now stands is kept on the device, passes included.
    pub async fn apply_way_out(
        &self,
        order_id: i64,
        disruption_id: i64,
        way_out: String,
    ) -> Result<Order, CommandError> {
        let session = self.signed_in()?;
        let key = format!("way-{disruption_id}-{order_id}-{way_out}");
        let request = ApplyWayOut {
            disruption_id,
            way_out,
        };
        let order = self
            .client
            .apply_way_out(&session.token, &key, order_id, &request)
            .await
            .map_err(|e| self.on_platform_error(e.into()))?;
        keep(self, session.account_id, std::slice::from_ref(&order))?;
        // What is left to decide, as the platform now says it.
        if let Ok(hit) = self.client.disruptions(&session.token).await {
            self.store.save_disruptions(session.account_id, &hit)?;
        }
        Ok(order)
    }
}
