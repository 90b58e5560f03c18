import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ApiClient } from './api';
import type { ConsoleConfig } from './config';
import type { Session } from './session';

export interface AppState {
  config: ConsoleConfig;
  session: Session | undefined;
  api: ApiClient;
  signedIn(token: string): boolean;
  signOut(): void;
}

export const App = createContext<AppState | undefined>(undefined);

export function useApp(): AppState {
  const state = useContext(App);
  if (!state) throw new Error('useApp outside <App.Provider>');
  return state;
}

/** The signed-in session; pages behind sign-in only render with one. */
export function useSession(): Session {
  const { session } = useApp();
  if (!session) throw new Error('no session');
  return session;
}
