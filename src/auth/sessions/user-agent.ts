export interface DeviceDescription {
  browser: string | null;
  os: string | null;
  device: 'desktop' | 'mobile' | 'tablet' | 'unknown';
  /** What a person recognises in a list: "Firefox on Windows". */
  label: string;
}

// Order matters: Edge and Opera also claim to be Chrome, and Chrome claims to be Safari.
const BROWSERS: [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\b(?:OPR|Opera)\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\b(?:Firefox|FxiOS)\//, 'Firefox'],
  [/\bHeadlessChrome\//, 'Headless Chrome'],
  [/\b(?:Chrome|CriOS|Chromium)\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
  [/\bcurl\//, 'curl'],
];

const SYSTEMS: [RegExp, string][] = [
  [/\b(?:iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
];

const firstMatch = (ua: string, table: [RegExp, string][]) => table.find(([pattern]) => pattern.test(ua))?.[1] ?? null;

function deviceOf(ua: string, os: string | null): DeviceDescription['device'] {
  if (/\biPad\b|\bTablet\b/.test(ua) || (os === 'Android' && !/\bMobile\b/.test(ua))) return 'tablet';
  if (/\bMobile\b|\biPhone\b/.test(ua)) return 'mobile';
  return os ? 'desktop' : 'unknown';
}

/**
 * A rough, human description of a User-Agent header for the sessions list. It is only a hint: the header is
 * whatever the client chose to send, so nothing may depend on it.
 */
export function describeUserAgent(userAgent: string | null): DeviceDescription {
  const ua = userAgent ?? '';
  const browser = firstMatch(ua, BROWSERS);
  const os = firstMatch(ua, SYSTEMS);
  const label = browser && os ? `${browser} on ${os}` : (browser ?? os ?? 'Unknown device');
  return { browser, os, device: deviceOf(ua, os), label };
}
