//! The application's outbound calls against a real HTTP server on a free port: alerts posted
//! to a webhook, and feeds downloaded by `fetch` from a stand-in for NVD, CISA and MyJVN.

mod alerts;
mod fetch;
mod http;
