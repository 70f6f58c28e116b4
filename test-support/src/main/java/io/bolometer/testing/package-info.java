/** What every module's tests share: bounded waits, tear-downs, a hand-moved clock, bounded commands, a fake kubelet, an embedded S3 server, the package-rule walker. */
package io.bolometer.testing;
