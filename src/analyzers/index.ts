import { almalinuxReleaseAnalyzer } from "./os/almalinux-release.js";
import { alpineReleaseAnalyzer } from "./os/alpine-release.js";
import { centosReleaseAnalyzer } from "./os/centos-release.js";
import { debianVersionAnalyzer } from "./os/debian-version.js";
import { fedoraReleaseAnalyzer } from "./os/fedora-release.js";
import { lsbReleaseAnalyzer } from "./os/lsb-release.js";
import { oracleReleaseAnalyzer } from "./os/oracle-release.js";
import { composerInstalledAnalyzer } from "./lang/composer-installed.js";
import { composerLockAnalyzer } from "./lang/composer-lock.js";
import { dotnetDepsAnalyzer } from "./lang/dotnet-deps.js";
import { gemfileLockAnalyzer } from "./lang/gemfile-lock.js";
import { gemspecAnalyzer } from "./lang/gemspec.js";
import { nugetLockAnalyzer } from "./lang/nuget-lock.js";
import { pipfileLockAnalyzer } from "./lang/pipfile-lock.js";
import { poetryLockAnalyzer } from "./lang/poetry-lock.js";
import { pythonPackageAnalyzer } from "./lang/python-package.js";
import { requirementsTxtAnalyzer } from "./lang/requirements-txt.js";
import { uvLockAnalyzer } from "./lang/uv-lock.js";
import { npmLockAnalyzer } from "./lang/npm-lock.js";
import { npmPackageAnalyzer } from "./lang/npm-package.js";
import { pnpmLockAnalyzer } from "./lang/pnpm-lock.js";
import { yarnLockAnalyzer } from "./lang/yarn-lock.js";
import { osReleaseAnalyzer } from "./os/os-release.js";
import { redhatReleaseAnalyzer } from "./os/redhat-release.js";
import { rockyReleaseAnalyzer } from "./os/rocky-release.js";
import { systemReleaseAnalyzer } from "./os/system-release.js";
import { apkInstalledAnalyzer } from "./pkg/apk-installed.js";
import { dpkgCopyrightAnalyzer } from "./pkg/dpkg-copyright.js";
import { dpkgFileListAnalyzer } from "./pkg/dpkg-file-list.js";
import { dpkgDistrolessAnalyzer } from "./pkg/dpkg-distroless.js";
import { dpkgStatusAnalyzer } from "./pkg/dpkg-status.js";
import { embeddedSbomAnalyzer } from "./pkg/embedded-sbom.js";
import { rpmAnalyzer } from "./pkg/rpm/analyzer.js";
import { cargoLockAnalyzer } from "./lang/cargo-lock.js";
import { goBinaryAnalyzer } from "./lang/go-binary.js";
import { goToolchainAnalyzer } from "./lang/go-toolchain.js";
import { javaArchiveAnalyzer } from "./lang/java-archive.js";
import { jdkReleaseAnalyzer } from "./lang/jdk-release.js";
import { runtimeBinariesAnalyzer } from "./lang/runtime-binaries.js";
import { rustBinaryAnalyzer } from "./lang/rust-binary.js";
import type { AnyAnalyzer } from "./types.js";

/**
 * Every analyzer vigil runs, in one place. Adding an analyzer means writing
 * its file and listing it here; a test fails if a file is left out.
 */
export const analyzers: readonly AnyAnalyzer[] = [
  osReleaseAnalyzer,
  lsbReleaseAnalyzer,
  alpineReleaseAnalyzer,
  debianVersionAnalyzer,
  redhatReleaseAnalyzer,
  centosReleaseAnalyzer,
  almalinuxReleaseAnalyzer,
  rockyReleaseAnalyzer,
  fedoraReleaseAnalyzer,
  oracleReleaseAnalyzer,
  systemReleaseAnalyzer,
  dpkgStatusAnalyzer,
  dpkgDistrolessAnalyzer,
  dpkgCopyrightAnalyzer,
  dpkgFileListAnalyzer,
  apkInstalledAnalyzer,
  rpmAnalyzer,
  embeddedSbomAnalyzer,
  npmPackageAnalyzer,
  npmLockAnalyzer,
  yarnLockAnalyzer,
  pnpmLockAnalyzer,
  pythonPackageAnalyzer,
  poetryLockAnalyzer,
  pipfileLockAnalyzer,
  uvLockAnalyzer,
  requirementsTxtAnalyzer,
  gemspecAnalyzer,
  gemfileLockAnalyzer,
  composerInstalledAnalyzer,
  composerLockAnalyzer,
  dotnetDepsAnalyzer,
  nugetLockAnalyzer,
  javaArchiveAnalyzer,
  goBinaryAnalyzer,
  rustBinaryAnalyzer,
  cargoLockAnalyzer,
  runtimeBinariesAnalyzer,
  jdkReleaseAnalyzer,
  goToolchainAnalyzer,
];
