// Mainline release history (v3.0–v7.2), the columns of tests/data/kernel-releases.csv a program needs; a test keeps
// the two identical. The calendar learns from it how many release candidates a cycle takes (rc7 most often, rc8 often);
// the sandbox replays cycles at these instants.

/** One mainline release, as the CSV records it. */
export interface ReleaseHistoryRow {
  readonly version: string;
  /** Day of the `vX.Y` tag in Linus' local time zone. */
  readonly releaseDate: string;
  /** Day of the `vX.Y` tag in UTC. */
  readonly releaseDateUtc: string;
  /** Day of `vX.Y-rc1` in Linus' local time zone. */
  readonly rc1Date: string;
  readonly lastRc: number;
  /** Exact `%ci` times where they were seen in real request-pull output, else null. */
  readonly rc1CommitTime: string | null;
  readonly releaseCommitTime: string | null;
}

export const RELEASE_HISTORY: readonly ReleaseHistoryRow[] = [
  { version: "3.0", releaseDate: "2011-07-21", releaseDateUtc: "2011-07-22", rc1Date: "2011-05-29", lastRc: 7, rc1CommitTime: "2011-05-29 17:43:36 -0700", releaseCommitTime: null },
  { version: "3.1", releaseDate: "2011-10-24", releaseDateUtc: "2011-10-24", rc1Date: "2011-08-07", lastRc: 10, rc1CommitTime: null, releaseCommitTime: null },
  { version: "3.2", releaseDate: "2012-01-04", releaseDateUtc: "2012-01-04", rc1Date: "2011-11-07", lastRc: 7, rc1CommitTime: "2011-11-07 16:16:02 -0800", releaseCommitTime: null },
  { version: "3.3", releaseDate: "2012-03-18", releaseDateUtc: "2012-03-18", rc1Date: "2012-01-19", lastRc: 7, rc1CommitTime: "2012-01-19 15:04:48 -0800", releaseCommitTime: null },
  { version: "3.4", releaseDate: "2012-05-20", releaseDateUtc: "2012-05-20", rc1Date: "2012-03-31", lastRc: 7, rc1CommitTime: null, releaseCommitTime: null },
  { version: "3.5", releaseDate: "2012-07-21", releaseDateUtc: "2012-07-21", rc1Date: "2012-06-02", lastRc: 7, rc1CommitTime: "2012-06-02 18:29:26 -0700", releaseCommitTime: null },
  { version: "3.6", releaseDate: "2012-09-30", releaseDateUtc: "2012-09-30", rc1Date: "2012-08-02", lastRc: 7, rc1CommitTime: "2012-08-02 16:38:10 -0700", releaseCommitTime: null },
  { version: "3.7", releaseDate: "2012-12-10", releaseDateUtc: "2012-12-11", rc1Date: "2012-10-14", lastRc: 8, rc1CommitTime: "2012-10-14 14:41:04 -0700", releaseCommitTime: null },
  { version: "3.8", releaseDate: "2013-02-18", releaseDateUtc: "2013-02-18", rc1Date: "2012-12-21", lastRc: 7, rc1CommitTime: null, releaseCommitTime: null },
  { version: "3.9", releaseDate: "2013-04-28", releaseDateUtc: "2013-04-29", rc1Date: "2013-03-03", lastRc: 8, rc1CommitTime: null, releaseCommitTime: "2013-04-28 17:36:01 -0700" },
  { version: "3.10", releaseDate: "2013-06-30", releaseDateUtc: "2013-06-30", rc1Date: "2013-05-11", lastRc: 7, rc1CommitTime: "2013-05-11 17:14:08 -0700", releaseCommitTime: null },
  { version: "3.11", releaseDate: "2013-09-02", releaseDateUtc: "2013-09-02", rc1Date: "2013-07-14", lastRc: 7, rc1CommitTime: "2013-07-14 15:18:27 -0700", releaseCommitTime: null },
  { version: "3.12", releaseDate: "2013-11-03", releaseDateUtc: "2013-11-03", rc1Date: "2013-09-16", lastRc: 7, rc1CommitTime: "2013-09-16 16:17:51 -0400", releaseCommitTime: null },
  { version: "3.13", releaseDate: "2014-01-19", releaseDateUtc: "2014-01-20", rc1Date: "2013-11-22", lastRc: 8, rc1CommitTime: "2013-11-22 11:30:55 -0800", releaseCommitTime: null },
  { version: "3.14", releaseDate: "2014-03-30", releaseDateUtc: "2014-03-31", rc1Date: "2014-02-02", lastRc: 8, rc1CommitTime: "2014-02-02 16:42:13 -0800", releaseCommitTime: null },
  { version: "3.15", releaseDate: "2014-06-08", releaseDateUtc: "2014-06-08", rc1Date: "2014-04-13", lastRc: 8, rc1CommitTime: "2014-04-13 14:18:35 -0700", releaseCommitTime: null },
  { version: "3.16", releaseDate: "2014-08-03", releaseDateUtc: "2014-08-03", rc1Date: "2014-06-15", lastRc: 7, rc1CommitTime: null, releaseCommitTime: null },
  { version: "3.17", releaseDate: "2014-10-05", releaseDateUtc: "2014-10-05", rc1Date: "2014-08-16", lastRc: 7, rc1CommitTime: "2014-08-16 10:40:26 -0600", releaseCommitTime: null },
  { version: "3.18", releaseDate: "2014-12-07", releaseDateUtc: "2014-12-07", rc1Date: "2014-10-19", lastRc: 7, rc1CommitTime: null, releaseCommitTime: null },
  { version: "3.19", releaseDate: "2015-02-08", releaseDateUtc: "2015-02-09", rc1Date: "2014-12-20", lastRc: 7, rc1CommitTime: null, releaseCommitTime: null },
  { version: "4.0", releaseDate: "2015-04-12", releaseDateUtc: "2015-04-12", rc1Date: "2015-02-22", lastRc: 7, rc1CommitTime: "2015-02-22 18:21:14 -0800", releaseCommitTime: null },
  { version: "4.1", releaseDate: "2015-06-21", releaseDateUtc: "2015-06-22", rc1Date: "2015-04-26", lastRc: 8, rc1CommitTime: null, releaseCommitTime: null },
  { version: "4.2", releaseDate: "2015-08-30", releaseDateUtc: "2015-08-30", rc1Date: "2015-07-05", lastRc: 8, rc1CommitTime: "2015-07-05 11:01:52 -0700", releaseCommitTime: null },
  { version: "4.3", releaseDate: "2015-11-01", releaseDateUtc: "2015-11-02", rc1Date: "2015-09-12", lastRc: 7, rc1CommitTime: "2015-09-12 16:35:56 -0700", releaseCommitTime: null },
  { version: "4.4", releaseDate: "2016-01-10", releaseDateUtc: "2016-01-10", rc1Date: "2015-11-15", lastRc: 8, rc1CommitTime: "2015-11-15 17:00:27 -0800", releaseCommitTime: null },
  { version: "4.5", releaseDate: "2016-03-13", releaseDateUtc: "2016-03-14", rc1Date: "2016-01-24", lastRc: 7, rc1CommitTime: "2016-01-24 13:06:47 -0800", releaseCommitTime: "2016-03-13 21:28:54 -0700" },
  { version: "4.6", releaseDate: "2016-05-15", releaseDateUtc: "2016-05-15", rc1Date: "2016-03-26", lastRc: 7, rc1CommitTime: "2016-03-26 16:03:24 -0700", releaseCommitTime: null },
  { version: "4.7", releaseDate: "2016-07-24", releaseDateUtc: "2016-07-24", rc1Date: "2016-05-29", lastRc: 8, rc1CommitTime: "2016-05-29 09:29:24 -0700", releaseCommitTime: null },
  { version: "4.8", releaseDate: "2016-10-02", releaseDateUtc: "2016-10-02", rc1Date: "2016-08-07", lastRc: 8, rc1CommitTime: "2016-08-07 18:18:00 -0700", releaseCommitTime: null },
  { version: "4.9", releaseDate: "2016-12-11", releaseDateUtc: "2016-12-11", rc1Date: "2016-10-15", lastRc: 8, rc1CommitTime: "2016-10-15 12:17:50 -0700", releaseCommitTime: null },
  { version: "4.10", releaseDate: "2017-02-19", releaseDateUtc: "2017-02-19", rc1Date: "2016-12-25", lastRc: 8, rc1CommitTime: "2016-12-25 16:13:08 -0800", releaseCommitTime: null },
  { version: "4.11", releaseDate: "2017-04-30", releaseDateUtc: "2017-05-01", rc1Date: "2017-03-05", lastRc: 8, rc1CommitTime: "2017-03-05 12:59:56 -0800", releaseCommitTime: null },
  { version: "4.12", releaseDate: "2017-07-02", releaseDateUtc: "2017-07-02", rc1Date: "2017-05-13", lastRc: 7, rc1CommitTime: "2017-05-13 13:19:49 -0700", releaseCommitTime: null },
  { version: "4.13", releaseDate: "2017-09-03", releaseDateUtc: "2017-09-03", rc1Date: "2017-07-15", lastRc: 7, rc1CommitTime: "2017-07-15 15:22:10 -0700", releaseCommitTime: null },
  { version: "4.14", releaseDate: "2017-11-12", releaseDateUtc: "2017-11-12", rc1Date: "2017-09-16", lastRc: 8, rc1CommitTime: "2017-09-16 15:47:51 -0700", releaseCommitTime: null },
  { version: "4.15", releaseDate: "2018-01-28", releaseDateUtc: "2018-01-28", rc1Date: "2017-11-26", lastRc: 9, rc1CommitTime: "2017-11-26 16:01:47 -0800", releaseCommitTime: null },
  { version: "4.16", releaseDate: "2018-04-01", releaseDateUtc: "2018-04-01", rc1Date: "2018-02-11", lastRc: 7, rc1CommitTime: "2018-02-11 15:04:29 -0800", releaseCommitTime: null },
  { version: "4.17", releaseDate: "2018-06-03", releaseDateUtc: "2018-06-03", rc1Date: "2018-04-15", lastRc: 7, rc1CommitTime: "2018-04-15 18:24:20 -0700", releaseCommitTime: null },
  { version: "4.18", releaseDate: "2018-08-12", releaseDateUtc: "2018-08-12", rc1Date: "2018-06-17", lastRc: 8, rc1CommitTime: "2018-06-17 08:04:49 +0900", releaseCommitTime: null },
  { version: "4.19", releaseDate: "2018-10-22", releaseDateUtc: "2018-10-22", rc1Date: "2018-08-26", lastRc: 8, rc1CommitTime: "2018-08-26 14:11:59 -0700", releaseCommitTime: "2018-10-22 07:37:37 +0100" },
  { version: "4.20", releaseDate: "2018-12-23", releaseDateUtc: "2018-12-23", rc1Date: "2018-11-04", lastRc: 7, rc1CommitTime: "2018-11-04 15:37:52 -0800", releaseCommitTime: null },
  { version: "5.0", releaseDate: "2019-03-03", releaseDateUtc: "2019-03-03", rc1Date: "2019-01-06", lastRc: 8, rc1CommitTime: "2019-01-06 17:08:20 -0800", releaseCommitTime: null },
  { version: "5.1", releaseDate: "2019-05-05", releaseDateUtc: "2019-05-06", rc1Date: "2019-03-17", lastRc: 7, rc1CommitTime: "2019-03-17 14:22:26 -0700", releaseCommitTime: "2019-05-05 17:42:58 -0700" },
  { version: "5.2", releaseDate: "2019-07-07", releaseDateUtc: "2019-07-07", rc1Date: "2019-05-19", lastRc: 7, rc1CommitTime: "2019-05-19 15:47:09 -0700", releaseCommitTime: null },
  { version: "5.3", releaseDate: "2019-09-15", releaseDateUtc: "2019-09-15", rc1Date: "2019-07-21", lastRc: 8, rc1CommitTime: "2019-07-21 14:05:38 -0700", releaseCommitTime: null },
  { version: "5.4", releaseDate: "2019-11-24", releaseDateUtc: "2019-11-25", rc1Date: "2019-09-30", lastRc: 8, rc1CommitTime: "2019-09-30 10:35:40 -0700", releaseCommitTime: "2019-11-24 16:32:01 -0800" },
  { version: "5.5", releaseDate: "2020-01-26", releaseDateUtc: "2020-01-27", rc1Date: "2019-12-08", lastRc: 7, rc1CommitTime: "2019-12-08 14:57:55 -0800", releaseCommitTime: "2020-01-26 16:23:03 -0800" },
  { version: "5.6", releaseDate: "2020-03-29", releaseDateUtc: "2020-03-29", rc1Date: "2020-02-09", lastRc: 7, rc1CommitTime: "2020-02-09 16:08:48 -0800", releaseCommitTime: null },
  { version: "5.7", releaseDate: "2020-05-31", releaseDateUtc: "2020-05-31", rc1Date: "2020-04-12", lastRc: 7, rc1CommitTime: "2020-04-12 12:35:55 -0700", releaseCommitTime: null },
  { version: "5.8", releaseDate: "2020-08-02", releaseDateUtc: "2020-08-02", rc1Date: "2020-06-14", lastRc: 7, rc1CommitTime: "2020-06-14 12:45:04 -0700", releaseCommitTime: null },
  { version: "5.9", releaseDate: "2020-10-11", releaseDateUtc: "2020-10-11", rc1Date: "2020-08-16", lastRc: 8, rc1CommitTime: "2020-08-16 13:04:57 -0700", releaseCommitTime: null },
  { version: "5.10", releaseDate: "2020-12-13", releaseDateUtc: "2020-12-13", rc1Date: "2020-10-25", lastRc: 7, rc1CommitTime: "2020-10-25 15:14:11 -0700", releaseCommitTime: null },
  { version: "5.11", releaseDate: "2021-02-14", releaseDateUtc: "2021-02-14", rc1Date: "2020-12-27", lastRc: 7, rc1CommitTime: "2020-12-27 15:30:22 -0800", releaseCommitTime: null },
  { version: "5.12", releaseDate: "2021-04-25", releaseDateUtc: "2021-04-25", rc1Date: "2021-02-28", lastRc: 8, rc1CommitTime: "2021-02-28 16:05:19 -0800", releaseCommitTime: null },
  { version: "5.13", releaseDate: "2021-06-27", releaseDateUtc: "2021-06-27", rc1Date: "2021-05-09", lastRc: 7, rc1CommitTime: "2021-05-09 14:17:44 -0700", releaseCommitTime: null },
  { version: "5.14", releaseDate: "2021-08-29", releaseDateUtc: "2021-08-29", rc1Date: "2021-07-11", lastRc: 7, rc1CommitTime: "2021-07-11 15:07:40 -0700", releaseCommitTime: null },
  { version: "5.15", releaseDate: "2021-10-31", releaseDateUtc: "2021-10-31", rc1Date: "2021-09-12", lastRc: 7, rc1CommitTime: "2021-09-12 16:28:37 -0700", releaseCommitTime: null },
  { version: "5.16", releaseDate: "2022-01-09", releaseDateUtc: "2022-01-09", rc1Date: "2021-11-14", lastRc: 8, rc1CommitTime: "2021-11-14 13:56:52 -0800", releaseCommitTime: null },
  { version: "5.17", releaseDate: "2022-03-20", releaseDateUtc: "2022-03-20", rc1Date: "2022-01-23", lastRc: 8, rc1CommitTime: "2022-01-23 10:12:53 +0200", releaseCommitTime: null },
  { version: "5.18", releaseDate: "2022-05-22", releaseDateUtc: "2022-05-22", rc1Date: "2022-04-03", lastRc: 7, rc1CommitTime: "2022-04-03 14:08:21 -0700", releaseCommitTime: null },
  { version: "5.19", releaseDate: "2022-07-31", releaseDateUtc: "2022-07-31", rc1Date: "2022-06-05", lastRc: 8, rc1CommitTime: "2022-06-05 17:18:54 -0700", releaseCommitTime: null },
  { version: "6.0", releaseDate: "2022-10-02", releaseDateUtc: "2022-10-02", rc1Date: "2022-08-14", lastRc: 7, rc1CommitTime: "2022-08-14 15:50:18 -0700", releaseCommitTime: null },
  { version: "6.1", releaseDate: "2022-12-11", releaseDateUtc: "2022-12-11", rc1Date: "2022-10-16", lastRc: 8, rc1CommitTime: "2022-10-16 15:36:24 -0700", releaseCommitTime: null },
  { version: "6.2", releaseDate: "2023-02-19", releaseDateUtc: "2023-02-19", rc1Date: "2022-12-25", lastRc: 8, rc1CommitTime: "2022-12-25 13:41:39 -0800", releaseCommitTime: null },
  { version: "6.3", releaseDate: "2023-04-23", releaseDateUtc: "2023-04-23", rc1Date: "2023-03-05", lastRc: 7, rc1CommitTime: "2023-03-05 14:52:03 -0800", releaseCommitTime: null },
  { version: "6.4", releaseDate: "2023-06-25", releaseDateUtc: "2023-06-25", rc1Date: "2023-05-07", lastRc: 7, rc1CommitTime: "2023-05-07 13:34:35 -0700", releaseCommitTime: null },
  { version: "6.5", releaseDate: "2023-08-27", releaseDateUtc: "2023-08-27", rc1Date: "2023-07-09", lastRc: 7, rc1CommitTime: "2023-07-09 13:53:13 -0700", releaseCommitTime: null },
  { version: "6.6", releaseDate: "2023-10-29", releaseDateUtc: "2023-10-30", rc1Date: "2023-09-10", lastRc: 7, rc1CommitTime: "2023-09-10 16:28:41 -0700", releaseCommitTime: "2023-10-29 16:31:08 -1000" },
  { version: "6.7", releaseDate: "2024-01-07", releaseDateUtc: "2024-01-07", rc1Date: "2023-11-12", lastRc: 8, rc1CommitTime: "2023-11-12 16:19:07 -0800", releaseCommitTime: null },
  { version: "6.8", releaseDate: "2024-03-10", releaseDateUtc: "2024-03-10", rc1Date: "2024-01-21", lastRc: 7, rc1CommitTime: "2024-01-21 14:11:32 -0800", releaseCommitTime: null },
  { version: "6.9", releaseDate: "2024-05-12", releaseDateUtc: "2024-05-12", rc1Date: "2024-03-24", lastRc: 7, rc1CommitTime: "2024-03-24 14:10:05 -0700", releaseCommitTime: "2024-05-12 14:12:29 -0700" },
  { version: "6.10", releaseDate: "2024-07-14", releaseDateUtc: "2024-07-14", rc1Date: "2024-05-26", lastRc: 7, rc1CommitTime: "2024-05-26 15:20:12 -0700", releaseCommitTime: null },
  { version: "6.11", releaseDate: "2024-09-15", releaseDateUtc: "2024-09-15", rc1Date: "2024-07-28", lastRc: 7, rc1CommitTime: "2024-07-28 14:19:55 -0700", releaseCommitTime: null },
  { version: "6.12", releaseDate: "2024-11-17", releaseDateUtc: "2024-11-17", rc1Date: "2024-09-29", lastRc: 7, rc1CommitTime: "2024-09-29 15:06:19 -0700", releaseCommitTime: null },
  { version: "6.13", releaseDate: "2025-01-19", releaseDateUtc: "2025-01-19", rc1Date: "2024-12-01", lastRc: 7, rc1CommitTime: "2024-12-01 14:28:56 -0800", releaseCommitTime: null },
  { version: "6.14", releaseDate: "2025-03-24", releaseDateUtc: "2025-03-24", rc1Date: "2025-02-02", lastRc: 7, rc1CommitTime: "2025-02-02 15:39:26 -0800", releaseCommitTime: "2025-03-24 07:02:41 -0700" },
  { version: "6.15", releaseDate: "2025-05-25", releaseDateUtc: "2025-05-25", rc1Date: "2025-04-06", lastRc: 7, rc1CommitTime: "2025-04-06 13:11:33 -0700", releaseCommitTime: null },
  { version: "6.16", releaseDate: "2025-07-27", releaseDateUtc: "2025-07-27", rc1Date: "2025-06-08", lastRc: 7, rc1CommitTime: "2025-06-08 13:44:43 -0700", releaseCommitTime: null },
  { version: "6.17", releaseDate: "2025-09-28", releaseDateUtc: "2025-09-28", rc1Date: "2025-08-10", lastRc: 7, rc1CommitTime: "2025-08-10 19:41:16 +0300", releaseCommitTime: null },
  { version: "6.18", releaseDate: "2025-11-30", releaseDateUtc: "2025-11-30", rc1Date: "2025-10-12", lastRc: 7, rc1CommitTime: "2025-10-12 13:42:36 -0700", releaseCommitTime: null },
  { version: "6.19", releaseDate: "2026-02-08", releaseDateUtc: "2026-02-08", rc1Date: "2025-12-14", lastRc: 8, rc1CommitTime: "2025-12-14 16:05:07 +1200", releaseCommitTime: null },
  { version: "7.0", releaseDate: "2026-04-12", releaseDateUtc: "2026-04-12", rc1Date: "2026-02-22", lastRc: 7, rc1CommitTime: "2026-02-22 13:18:59 -0800", releaseCommitTime: null },
  { version: "7.1", releaseDate: "2026-06-14", releaseDateUtc: "2026-06-14", rc1Date: "2026-04-26", lastRc: 7, rc1CommitTime: "2026-04-26 14:19:00 -0700", releaseCommitTime: null },
  { version: "7.2", releaseDate: "2026-08-16", releaseDateUtc: "2026-08-16", rc1Date: "2026-06-28", lastRc: 7, rc1CommitTime: "2026-06-28 12:01:31 -0700", releaseCommitTime: null },
];
