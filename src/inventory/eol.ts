// When each release stops getting security fixes from its vendor. A release
// past this date is reported as end of life: its advisories stop, so a scan
// of it finds fewer vulnerabilities than it has.
//
// Dates as of 2026-12-03, from endoflife.date (endoflife-date/endoflife.date,
// products/*.md), which cites each vendor's lifecycle page; two are newer
// than its snapshot and come from the vendor (marked). Which date counts:
//   Debian: end of Debian LTS (DLAs stop), not of the security team's support.
//   Ubuntu: end of standard support; ESM (Ubuntu Pro) goes on after it.
//   RHEL: end of Maintenance Support; CentOS Linux and Stream, AlmaLinux,
//     Rocky, Oracle Linux (Premier support): each project's own date.
//   SLES: end of general support of the service pack (LTSS is paid).
// os-release's SUPPORT_END, where an image has one, wins over this table.
import type { OsInfo } from "./types.js";

type Dates = Readonly<Record<string, string>>;

const ALPINE: Dates = {
  "3.0": "2016-05-01",
  "3.1": "2016-11-01",
  "3.2": "2017-05-01",
  "3.3": "2017-11-01",
  "3.4": "2018-05-01",
  "3.5": "2018-11-01",
  "3.6": "2019-05-01",
  "3.7": "2019-11-01",
  "3.8": "2020-05-01",
  "3.9": "2020-11-01",
  "3.10": "2021-05-01",
  "3.11": "2021-11-01",
  "3.12": "2022-05-01",
  "3.13": "2022-11-01",
  "3.14": "2023-05-01",
  "3.15": "2023-11-01",
  "3.16": "2024-05-23",
  "3.17": "2024-11-22",
  "3.18": "2025-05-09",
  "3.19": "2025-11-01",
  "3.20": "2026-04-01",
  "3.21": "2026-11-01",
  "3.22": "2027-05-01",
  "3.23": "2027-11-01",
};

const DEBIAN: Dates = {
  "6": "2016-02-29",
  "7": "2018-05-31",
  "8": "2020-06-30",
  "9": "2022-07-01",
  "10": "2024-06-30",
  "11": "2026-08-31",
  "12": "2028-06-10",
};

const UBUNTU: Dates = {
  "12.04": "2017-04-28",
  "12.10": "2014-05-16",
  "13.04": "2014-01-27",
  "13.10": "2014-07-17",
  "14.04": "2019-04-02",
  "14.10": "2015-07-23",
  "15.04": "2016-02-04",
  "15.10": "2016-07-28",
  "16.04": "2021-04-02",
  "16.10": "2017-07-20",
  "17.04": "2018-01-13",
  "17.10": "2018-07-19",
  "18.04": "2023-05-31",
  "18.10": "2019-07-18",
  "19.04": "2020-01-23",
  "19.10": "2020-07-06",
  "20.04": "2025-05-31",
  "20.10": "2021-07-22",
  "21.04": "2022-01-20",
  "21.10": "2022-07-14",
  "22.04": "2027-04-01",
  "22.10": "2023-07-20",
  "23.04": "2024-01-20",
  "23.10": "2024-07-12",
  "24.04": "2029-05-31",
  "24.10": "2025-07-10",
  "25.04": "2026-01-17",
  "25.10": "2026-07-01",
  "26.04": "2031-04-30",
};

const RHEL: Dates = {
  "5": "2017-03-31",
  "6": "2020-11-30",
  "7": "2024-06-30",
  "8": "2029-05-31",
  "9": "2032-05-31",
};

const CENTOS: Dates = {
  "5": "2017-03-31",
  "6": "2020-11-30",
  "7": "2024-06-30",
  "8": "2021-12-31",
};
const CENTOS_STREAM: Dates = { "8": "2024-05-31", "9": "2027-05-31", "10": "2030-01-01" };
const ALMALINUX: Dates = { "8": "2029-03-01", "9": "2032-05-31", "10": "2035-05-31" };
const ROCKY: Dates = { "8": "2029-05-31", "9": "2032-05-31" };
const ORACLE: Dates = {
  "6": "2021-03-01",
  "7": "2024-12-01",
  "8": "2029-07-01",
  "9": "2032-06-30",
};

const AMAZON: Dates = {
  // Amazon Linux AMI (1), every 20xx.yy release.
  ami: "2023-12-31",
  // note: both from AWS's Amazon Linux 2 and AL2023 FAQs, which extended
  // them after endoflife.date's snapshot (2025-06-30, 2028-03-15).
  "2": "2026-06-30",
  "2023": "2029-06-30",
};

const FEDORA: Dates = {
  "30": "2020-05-26",
  "31": "2020-11-24",
  "32": "2021-05-25",
  "33": "2021-11-30",
  "34": "2022-06-07",
  "35": "2022-12-13",
  "36": "2023-05-16",
  "37": "2023-12-05",
  "38": "2024-05-21",
  "39": "2024-11-26",
  "40": "2025-05-13",
  "41": "2025-12-15",
  "42": "2026-05-13",
  "43": "2026-12-09",
};

const SLES: Dates = {
  "12.3": "2019-06-30",
  "12.4": "2020-06-30",
  "12.5": "2024-10-31",
  "15": "2019-12-31",
  "15.1": "2021-01-31",
  "15.2": "2021-12-31",
  "15.3": "2022-12-31",
  "15.4": "2023-12-31",
  "15.5": "2024-12-31",
};

const OPENSUSE_LEAP: Dates = {
  "42.3": "2019-07-01",
  "15.0": "2019-12-03",
  "15.1": "2021-02-02",
  "15.2": "2022-01-04",
  "15.3": "2022-12-31",
  "15.4": "2023-12-07",
  "15.5": "2024-12-31",
  "15.6": "2026-04-30",
  "16.0": "2027-10-31",
};

// Azure Linux (CBL-Mariner before 3.0), by major release.
const AZURE_LINUX: Dates = { "1": "2023-08-31", "2": "2025-07-31", "3": "2027-08-31" };

/** The end-of-support date of the release, when vigil knows it. */
export function endOfLife(os: Omit<OsInfo, "source">): { date: string } | undefined {
  const date = lookup(os);
  return date ? { date } : undefined;
}

function lookup(os: Omit<OsInfo, "source">): string | undefined {
  const { family, release } = os;
  const major = release.split(".")[0] as string;
  switch (family) {
    case "alpine":
      return ALPINE[release];
    case "debian":
      return DEBIAN[release];
    case "ubuntu":
      return UBUNTU[release];
    case "rhel":
      return RHEL[major];
    case "centos":
      // CentOS Stream says so in its name only; its ID is centos too.
      return /stream/i.test(os.prettyName ?? "") ? CENTOS_STREAM[major] : CENTOS[major];
    case "almalinux":
      return ALMALINUX[major];
    case "rocky":
      return ROCKY[major];
    case "ol":
      return ORACLE[major];
    case "amzn":
      return /^\d{4}\.\d{2}$/.test(release) ? AMAZON.ami : AMAZON[release];
    case "fedora":
      return FEDORA[release];
    case "sles":
      return SLES[release];
    case "opensuse-leap":
      return OPENSUSE_LEAP[release];
    case "azurelinux":
    case "mariner":
      return AZURE_LINUX[major];
    default:
      return undefined;
  }
}

/** Whether the date has passed on `today` (YYYY-MM-DD strings compare as dates). */
export function isPast(eol: { date: string }, today: Date = new Date()): boolean {
  return eol.date < today.toISOString().slice(0, 10);
}
