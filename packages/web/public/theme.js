/* global localStorage, matchMedia, document */
// Applies the saved theme before the first paint, so a dark dashboard never flashes white.
try {
  var ui = JSON.parse(localStorage.getItem('runtime-hub.ui') || '{}').state || {};
  var dark = ui.theme === 'dark' || (ui.theme !== 'light' && matchMedia('(prefers-color-scheme: dark)').matches);
  if (dark) document.documentElement.classList.add('dark');
} catch {
  // No storage (private mode): the app applies the theme once it starts.
}
