/**
 * Debian release numbers by codename, from distro-info-data's debian.csv.
 * Testing carries the next release's codename (and number) before release;
 * sid and experimental have no number and are not listed. One table for the
 * matcher (an image on testing) and the tracker importer (its per-release keys).
 */
export const DEBIAN_RELEASES: Readonly<Record<string, string>> = {
  squeeze: "6",
  wheezy: "7",
  jessie: "8",
  stretch: "9",
  buster: "10",
  bullseye: "11",
  bookworm: "12",
  trixie: "13",
  forky: "14",
  duke: "15",
};
