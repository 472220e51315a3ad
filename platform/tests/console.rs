//! The agents' console page served from a built folder (`--console-dir`): its files as they
//! are, `index.html` for the page's own routes under a CSP that lets its loader and wasm
//! run, nothing outside the folder; and a plain answer when no console is served.

use reqwest::StatusCode;
use reqwest::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE, LOCATION};

use crate::platform_with;

const INDEX: &str = "<!doctype html><html><head><script type=\"module\">\nimport init from '/console/app-1.js';\nawait init();\n</script></head><body></body></html>";

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_built_console_is_served_under_console_with_its_routes() {
    let dir = tempfile::tempdir().unwrap();
    let built = dir.path().join("dist");
    std::fs::create_dir_all(&built).unwrap();
    std::fs::write(built.join("index.html"), INDEX).unwrap();
    std::fs::write(built.join("app-1.js"), "export default function init() {}").unwrap();
    std::fs::write(dir.path().join("secret.txt"), "outside the build").unwrap();
    let built_dir = built.clone();
    let p = platform_with(&dir, move |c| c.console_dir = Some(built_dir)).await;
    let http = no_redirects();
    let url = |path: &str| format!("{}{path}", p.url());

    let bare = http.get(url("/console")).send().await.unwrap();
    assert!(bare.status().is_redirection());
    assert_eq!(bare.headers()[LOCATION], "/console/");

    for route in ["/console/", "/console/cases/7", "/console/index.html"] {
        let page = http.get(url(route)).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{route}");
        assert!(
            page.headers()[CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let csp = page.headers()[CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"),
            "{route}: {csp}"
        );
        assert!(
            csp.contains("connect-src 'self'") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        assert_eq!(page.text().await.unwrap(), INDEX, "{route}");
    }

    let script = http.get(url("/console/app-1.js")).send().await.unwrap();
    assert_eq!(script.status(), StatusCode::OK);
    assert!(
        script.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    assert_eq!(
        script.text().await.unwrap(),
        "export default function init() {}"
    );

    // Nothing outside the folder, however the path is spelled.
    for sneaky in [
        "/console/../secret.txt",
        "/console/%2e%2e/secret.txt",
        "/console/..%2fsecret.txt",
    ] {
        let answer = http.get(url(sneaky)).send().await.unwrap();
        let body = answer.text().await.unwrap();
        assert!(!body.contains("outside the build"), "{sneaky}: {body}");
    }
    // The API is not the console's: an unknown endpoint still answers as the API does.
    let api = http
        .get(url("/api/v1/console/nothing"))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    p.stop().await;
}

#[tokio::test]
async fn without_a_console_folder_the_page_says_how_to_serve_it() {
    let dir = tempfile::tempdir().unwrap();
    let p = platform_with(&dir, |_| {}).await;
    let answer = no_redirects()
        .get(format!("{}/console/", p.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::NOT_FOUND);
    assert!(answer.text().await.unwrap().contains("--console-dir"));
    p.stop().await;
}
