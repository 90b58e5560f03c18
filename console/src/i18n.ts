import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Translator } from './translator';
import { translator } from './translator';

export type { Lang, ProblemWords, Translator, WordKey } from './translator';
export { translator } from './translator';

export const I18n = createContext<Translator>(translator('zh'));
export const useT = () => useContext(I18n);
