//! Kefu's single-page app: sign-in, the shell with its navigation, and the pages agents,
//! supervisors and admins work in all day. Client-side rendered Leptos, compiled to Wasm.

mod api;
mod components;
mod i18n;
mod pages;
mod session;

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::{lazy_route, path, Lazy, LazyRoute};

use components::shell::Shell;
use pages::appointments::{BookPage, DeskPage, ManageAppointmentPage};
use pages::audit::AuditPage;
use pages::case::CasePage;
use pages::complaints::ComplaintsPage;
use pages::contact::ContactPage;
use pages::customers::{CustomerPage, CustomersPage};
use pages::dashboard::DashboardPage;
use pages::faq::{FaqArticlePage, FaqPage};
use pages::follow_ups::{FollowUpCallPage, FollowUpsPage};
use pages::knowledge::{ArticlePage, KnowledgePage};
use pages::login::LoginPage;
use pages::new_case::NewCasePage;
use pages::not_found::NotFound;
use pages::password::{AccountPage, SetPasswordPage};
use pages::queue::QueuePage;
use pages::reports::ReportsPage;
use pages::settings::SettingsPage;
use pages::survey::SurveyPage;
use pages::surveys::{SurveyResultsPage, SurveysPage};

/// A screen loaded on its first visit: its code is a separate Wasm chunk the first load does
/// not fetch (split by `cargo xtask`'s app build).
macro_rules! lazy_screen {
    ($($route:ident => $page:ident),* $(,)?) => {$(
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    )*};
}

lazy_screen! {
    ContactScreen => ContactPage,
    SurveyScreen => SurveyPage,
    ComplaintsScreen => ComplaintsPage,
    SurveysScreen => SurveysPage,
    SurveyResultsScreen => SurveyResultsPage,
    SettingsScreen => SettingsPage,
    CustomersScreen => CustomersPage,
    CustomerScreen => CustomerPage,
    NewCaseScreen => NewCasePage,
    DashboardScreen => DashboardPage,
    ReportsScreen => ReportsPage,
    SetPasswordScreen => SetPasswordPage,
    AccountScreen => AccountPage,
    AuditScreen => AuditPage,
    FaqScreen => FaqPage,
    FaqArticleScreen => FaqArticlePage,
    KnowledgeScreen => KnowledgePage,
    ArticleScreen => ArticlePage,
    BookScreen => BookPage,
    ManageAppointmentScreen => ManageAppointmentPage,
    DeskScreen => DeskPage,
    FollowUpsScreen => FollowUpsPage,
    FollowUpCallScreen => FollowUpCallPage,
}

fn main() {
    console_error_panic_hook::set_once();
    mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    i18n::I18n::provide();
    session::Session::provide();
    components::time::Now::provide();
    let i18n = i18n::use_i18n();
    // While the router loads the next screen (its module, the first time it is opened).
    let (routing, set_routing) = signal(false);
    view! {
        <div class="route-progress" role="progressbar" aria-label=move || i18n.get().t().loading hidden=move || !routing.get()></div>
        <Router set_is_routing=set_routing>
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("/login") view=LoginPage/>
                <Route path=path!("/contact") view={Lazy::<ContactScreen>::new()}/>
                <Route path=path!("/faq") view={Lazy::<FaqScreen>::new()}/>
                <Route path=path!("/faq/:id") view={Lazy::<FaqArticleScreen>::new()}/>
                <Route path=path!("/book") view={Lazy::<BookScreen>::new()}/>
                <Route path=path!("/appointments/:token") view={Lazy::<ManageAppointmentScreen>::new()}/>
                <Route path=path!("/s/:token") view={Lazy::<SurveyScreen>::new()}/>
                <Route path=path!("/password/:token") view={Lazy::<SetPasswordScreen>::new()}/>
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("") view=|| view! { <Redirect path="/queue"/> }/>
                    <Route path=path!("queue") view=QueuePage/>
                    <Route path=path!("cases/new") view={Lazy::<NewCaseScreen>::new()}/>
                    <Route path=path!("cases/:id") view=CasePage/>
                    <Route path=path!("complaints") view={Lazy::<ComplaintsScreen>::new()}/>
                    <Route path=path!("customers") view={Lazy::<CustomersScreen>::new()}/>
                    <Route path=path!("customers/:id") view={Lazy::<CustomerScreen>::new()}/>
                    <Route path=path!("knowledge") view={Lazy::<KnowledgeScreen>::new()}/>
                    <Route path=path!("knowledge/:id") view={Lazy::<ArticleScreen>::new()}/>
                    <Route path=path!("appointments") view={Lazy::<DeskScreen>::new()}/>
                    <Route path=path!("follow-ups") view={Lazy::<FollowUpsScreen>::new()}/>
                    <Route path=path!("follow-ups/:id") view={Lazy::<FollowUpCallScreen>::new()}/>
                    <Route path=path!("surveys") view={Lazy::<SurveysScreen>::new()}/>
                    <Route path=path!("surveys/:id") view={Lazy::<SurveyResultsScreen>::new()}/>
                    <Route path=path!("dashboard") view={Lazy::<DashboardScreen>::new()}/>
                    <Route path=path!("reports") view={Lazy::<ReportsScreen>::new()}/>
                    <Route path=path!("settings") view={Lazy::<SettingsScreen>::new()}/>
                    <Route path=path!("account") view={Lazy::<AccountScreen>::new()}/>
                    <Route path=path!("audit") view={Lazy::<AuditScreen>::new()}/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
