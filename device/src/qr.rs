//! QR codes drawn and read on the device, never by a web service: a pass opens as a QR
//! image with the network off, and a gate reads the QR code in a photo or screenshot.
//!
//! Drawing is deterministic and cannot fail for a pass-sized text. Reading takes a
//! stranger's file, so it refuses huge images, knows only PNG and JPEG, and answers
//! `None` rather than an error or a panic for anything it cannot read.

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use image::{ImageFormat, ImageReader, Limits, Luma};
use qrcode::{EcLevel, QrCode};

/// Pixels per QR module: at 8 a pass code (version ~10) is over 500 px, sharp enough for a
/// gate's camera reading a phone screen at arm's length.
const MODULE_PX: u32 = 8;
/// Largest side of an image the gate will try to read; a phone photo is ~4000.
const MAX_SIDE: u32 = 8192;

#[derive(Debug, thiserror::Error)]
pub enum QrError {
    #[error("the text does not fit in a QR code: {0}")]
    TooLong(#[from] qrcode::types::QrError),
    #[error("the QR image could not be written: {0}")]
    Image(#[from] image::ImageError),
}

/// `code` as a black-on-white PNG with the standard four-module quiet zone, error
/// correction M (a scuffed or glary screen still reads).
pub fn render_qr_png(code: &str) -> Result<Vec<u8>, QrError> {
    let qr = QrCode::with_error_correction_level(code.as_bytes(), EcLevel::M)?;
    let image = qr
        .render::<Luma<u8>>()
        .module_dimensions(MODULE_PX, MODULE_PX)
        .quiet_zone(true)
        .build();
    let mut png = Vec::new();
    image.write_to(&mut Cursor::new(&mut png), ImageFormat::Png)?;
    Ok(png)
}

/// The text of the first QR code that reads in a PNG or JPEG, or `None`.
pub fn decode_qr(image_bytes: &[u8]) -> Option<String> {
    let mut reader = ImageReader::new(Cursor::new(image_bytes))
        .with_guessed_format()
        .ok()?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    reader.limits(limits);
    let luma = reader.decode().ok()?.into_luma8();
    // rqrr has known panics on odd shapes (degenerate finder patterns); a bad picture
    // must read as "no code", never take the gate down.
    catch_unwind(AssertUnwindSafe(|| {
        let (width, height) = luma.dimensions();
        let mut prepared =
            rqrr::PreparedImage::prepare_from_greyscale(width as usize, height as usize, |x, y| {
                luma.get_pixel(x as u32, y as u32).0[0]
            });
        prepared
            .detect_grids()
            .into_iter()
            .find_map(|grid| grid.decode().ok().map(|(_, text)| text))
    }))
    .ok()
    .flatten()
}

/// `data:image/png;base64,…` for an `<img src>`.
pub fn png_data_url(png: &[u8]) -> String {
    format!("data:image/png;base64,{}", STANDARD.encode(png))
}

/// The bytes of a base64 `data:` URL (what a file input's reader gives), or `None`.
pub fn data_url_bytes(url: &str) -> Option<Vec<u8>> {
    let (meta, data) = url.trim().strip_prefix("data:")?.split_once(',')?;
    if !meta.ends_with(";base64") {
        return None;
    }
    STANDARD.decode(data.trim()).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use proptest::prelude::*;

    use super::*;

    /// A pass-sized code in the QR alphanumeric alphabet, as `core::pass` writes them.
    const CODE: &str = "TY1:NCFOXN%TSMAHN-HQHW:ZBKS8H-LS7+EC 3$:1CZ2JB6N0M1SL$V5RBSYP.$4V5/CU-5%NO%:EUJO$A4WJP-GOEZ6J67-KDY-30EU2QQ*/LB38RI$NHGO.7MPLB80U/G2LIG4G4B7TYVL3FQK7H$*BT*QB53GV9DF9M+W";

    #[test]
    fn a_rendered_code_reads_back() {
        let png = render_qr_png(CODE).unwrap();
        assert!(png.starts_with(b"\x89PNG"));
        let side = image::load_from_memory(&png).unwrap().width();
        assert!(side >= 400, "{side} px is too small to scan from a screen");
        assert_eq!(decode_qr(&png).as_deref(), Some(CODE));
    }

    #[test]
    fn a_code_survives_the_data_url_round_trip() {
        let png = render_qr_png(CODE).unwrap();
        let url = png_data_url(&png);
        assert!(url.starts_with("data:image/png;base64,"));
        assert_eq!(data_url_bytes(&url).unwrap(), png);
        assert_eq!(data_url_bytes("data:image/png,rawtext"), None);
        assert_eq!(data_url_bytes("https://example.com/a.png"), None);
        assert_eq!(data_url_bytes("data:image/png;base64,@@@"), None);
    }

    #[test]
    fn a_jpeg_photo_of_a_code_reads() {
        let png = render_qr_png(CODE).unwrap();
        let image = image::load_from_memory(&png).unwrap().into_rgb8();
        let mut jpeg = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut jpeg), ImageFormat::Jpeg)
            .unwrap();
        assert_eq!(decode_qr(&jpeg).as_deref(), Some(CODE));
    }

    #[test]
    fn pictures_without_a_code_read_as_none() {
        assert_eq!(decode_qr(b""), None);
        assert_eq!(decode_qr(b"not an image at all"), None);
        let blank = image::GrayImage::from_pixel(300, 300, Luma([255]));
        let mut png = Vec::new();
        blank
            .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        assert_eq!(decode_qr(&png), None);
        // A truncated PNG: the header promises more than there is.
        let code = render_qr_png(CODE).unwrap();
        assert_eq!(decode_qr(&code[..code.len() / 2]), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Garbage after a real PNG signature or JPEG marker gets past format sniffing
        /// into the decoders; it must still come back as `None`.
        #[test]
        fn arbitrary_bytes_never_panic(
            prefix in prop::sample::select(vec![&b""[..], b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"]),
            body in prop::collection::vec(any::<u8>(), 0..2048),
        ) {
            let mut bytes = prefix.to_vec();
            bytes.extend(body);
            prop_assert_eq!(decode_qr(&bytes), None);
        }
    }
}
