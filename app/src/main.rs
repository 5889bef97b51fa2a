//! Kefu's single-page app: sign-in, the shell with its navigation, and the pages agents,
//! supervisors and admins work in all day. Client-side rendered Leptos, compiled to Wasm.

mod api;
mod components;
mod i18n;
mod pages;
mod session;

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

use components::shell::Shell;
use pages::case::CasePage;
use pages::complaints::ComplaintsPage;
use pages::contact::ContactPage;
use pages::customers::{CustomerPage, CustomersPage};
use pages::login::LoginPage;
use pages::new_case::NewCasePage;
use pages::not_built::{NotBuilt, Section};
use pages::not_found::NotFound;
use pages::queue::QueuePage;
use pages::settings::SettingsPage;
use pages::survey::SurveyPage;
use pages::surveys::{SurveyResultsPage, SurveysPage};

fn main() {
    console_error_panic_hook::set_once();
    mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    i18n::I18n::provide();
    session::Session::provide();
    components::time::Now::provide();
    view! {
        <Router>
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("/login") view=LoginPage/>
                <Route path=path!("/contact") view=ContactPage/>
                <Route path=path!("/s/:token") view=SurveyPage/>
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("") view=|| view! { <Redirect path="/queue"/> }/>
                    <Route path=path!("queue") view=QueuePage/>
                    <Route path=path!("cases/new") view=NewCasePage/>
                    <Route path=path!("cases/:id") view=CasePage/>
                    <Route path=path!("complaints") view=ComplaintsPage/>
                    <Route path=path!("customers") view=CustomersPage/>
                    <Route path=path!("customers/:id") view=CustomerPage/>
                    <Route path=path!("follow-ups") view=|| view! { <NotBuilt section=Section::FollowUps/> }/>
                    <Route path=path!("surveys") view=SurveysPage/>
                    <Route path=path!("surveys/:id") view=SurveyResultsPage/>
                    <Route path=path!("dashboard") view=|| view! { <NotBuilt section=Section::Dashboard/> }/>
                    <Route path=path!("settings") view=SettingsPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
