//! A region's guide pack: what it weighs before downloading, and the download itself,
//! read chunk by chunk so the app can show how far it has come.

use reqwest::StatusCode;
use reqwest::header::{CONTENT_LENGTH, IF_NONE_MATCH};
use tongyou_core::guide::{GuideAbout, GuidePack};

use super::{ClientError, PlatformClient, api_error, decode, offline};

impl PlatformClient {
    /// The version and size of `region_id`'s guide pack.
    pub async fn guide_about(&self, region_id: &str) -> Result<GuideAbout, ClientError> {
        let url = self.url(&format!("/regions/{region_id}/guide/about"));
        decode(self.http.get(url).send().await.map_err(offline)?).await
    }

    /// Downloads `region_id`'s guide pack, calling `progress(received, total)` after each
    /// chunk (`total` from the answer's length, 0 when it gives none); `Ok(None)` when
    /// `known_version` is still current. The pack is returned as sent: whether it is
    /// intact is the caller's to check ([`GuidePack::is_intact`]).
    pub async fn guide_pack(
        &self,
        region_id: &str,
        known_version: Option<&str>,
        mut progress: impl FnMut(u64, u64),
    ) -> Result<Option<GuidePack>, ClientError> {
        let mut request = self
            .streams
            .get(self.url(&format!("/regions/{region_id}/guide")));
        if let Some(v) = known_version {
            request = request.header(IF_NONE_MATCH, format!("\"{v}\""));
        }
        let mut response = request.send().await.map_err(offline)?;
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(None);
        }
        let total = response
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
        while let Some(chunk) = response.chunk().await.map_err(offline)? {
            body.extend_from_slice(&chunk);
            progress(body.len() as u64, total);
        }
        if !status.is_success() {
            return Err(api_error(status, &body));
        }
        serde_json::from_slice(&body)
            .map(Some)
            .map_err(|e| ClientError::Protocol(format!("the guide pack does not read: {e}")))
    }
}
