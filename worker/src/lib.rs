//! Kefu's Cloudflare Worker: the `/api` routes over D1, and the cron triggers.
//!
//! Static files of the app are served by Workers Static Assets; only `/api/*` and
//! `/__scheduled` reach this code (`run_worker_first` in wrangler.toml).

mod auth;
mod cron;
mod ctx;
mod db;
mod error;
mod ids;
mod router;
mod routes;
mod rules;

use chrono::DateTime;
use worker::{event, Context, Env, Request, Response, ScheduleContext, ScheduledEvent};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    router::handle(req, env, worker::Date::now().as_millis() as f64).await
}

#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    let now = DateTime::from_timestamp_millis(event.schedule() as i64).unwrap_or_default();
    if let Err(err) = cron::run(&event.cron(), now, &env).await {
        worker::console_error!("cron {} failed: {err}", event.cron());
    }
}
