import { create } from 'zustand';
import { persist } from 'zustand/middleware';

export type Theme = 'system' | 'light' | 'dark';
export type Density = 'comfortable' | 'compact';

export interface UiState {
  theme: Theme;
  density: Density;
  /** Which dialog is open, if any. */
  dialog: 'export' | 'import' | 'shortcuts' | 'about' | null;
  setTheme(theme: Theme): void;
  toggleTheme(): void;
  setDensity(density: Density): void;
  toggleDensity(): void;
  openDialog(dialog: UiState['dialog']): void;
}

/** Row height of lists, in pixels, per density. */
export const ROW_HEIGHT: Record<Density, number> = { comfortable: 32, compact: 24 };

export function isDark(theme: Theme): boolean {
  if (theme === 'system') return typeof matchMedia !== 'undefined' && matchMedia('(prefers-color-scheme: dark)').matches;
  return theme === 'dark';
}

/** Preferences, kept in localStorage (public/theme.js reads the theme before the first paint). */
export const useUi = create<UiState>()(
  persist(
    (set, get) => ({
      theme: 'system',
      density: 'comfortable',
      dialog: null,
      setTheme: (theme) => set({ theme }),
      toggleTheme: () => set({ theme: isDark(get().theme) ? 'light' : 'dark' }),
      setDensity: (density) => set({ density }),
      toggleDensity: () => set({ density: get().density === 'compact' ? 'comfortable' : 'compact' }),
      openDialog: (dialog) => set({ dialog }),
    }),
    { name: 'runtime-hub.ui', partialize: (s) => ({ theme: s.theme, density: s.density }) },
  ),
);
