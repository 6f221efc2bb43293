; Windows Firewall rule for office LAN mode (HOST=0.0.0.0): inbound, this program only,
; Private profile only. Added by the elevated per-machine installer, removed on uninstall
; but kept across updates (an update uninstalls the old version first).
!macro customInstall
  nsExec::Exec 'netsh advfirewall firewall delete rule name="Integram Appliance"'
  nsExec::Exec 'netsh advfirewall firewall add rule name="Integram Appliance" dir=in action=allow program="$INSTDIR\${APP_EXECUTABLE_FILENAME}" enable=yes profile=private'
!macroend

!macro customUnInstall
  ${ifNot} ${isUpdated}
    nsExec::Exec 'netsh advfirewall firewall delete rule name="Integram Appliance"'
  ${endIf}
!macroend
