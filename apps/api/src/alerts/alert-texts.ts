import { formatSince } from '../common/display-dates';

/** The reference's texts, kept verbatim so watchTower users recognise them (§6.5, §9). */
export const alertTexts = {
  heartbeatDown: (service: string, last: number, zone: string) => ({
    title: `Service ${service} has not pulsed`,
    body: `The service ${service} is not pulsing since ${formatSince(last, zone)}`,
  }),
  heartbeatUp: (service: string) => ({
    title: `Service ${service} is pulsing again`,
    body: `The service ${service} is pulsing again`,
  }),
  pingDown: (service: string, lastSuccess: number, zone: string) => ({
    title: `Service ${service} has not ponged`,
    body: `The service ${service} has not ponged since ${formatSince(lastSuccess, zone)}`,
  }),
  pingUp: (service: string) => ({
    title: `Service ${service} is ponging again`,
    body: `The service ${service} is ponging again`,
  }),
};

/** The event stored with each alert: `"<title> - <body>"` (§6.5). */
export function eventMessage(text: { title: string; body: string }): string {
  return `${text.title} - ${text.body}`;
}
