// The unit's upload form: files dropped on it are taken as chosen, and a progress bar
// shows them going up. Without this script the form works as a plain form.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form.drop");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  var input = form.querySelector("input[type=file]");
  var bar = form.querySelector("progress");
  var status = form.querySelector(".status");
  ["dragenter", "dragover"].forEach(function (t) {
    form.addEventListener(t, function (e) { e.preventDefault(); form.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (t) {
    form.addEventListener(t, function (e) { e.preventDefault(); form.classList.remove("over"); });
  });
  form.addEventListener("drop", function (e) {
    if (e.dataTransfer && e.dataTransfer.files.length) {
      input.files = e.dataTransfer.files;
      status.textContent = input.files.length + " tệp đã chọn.";
    }
  });
  form.addEventListener("submit", function (e) {
    if (!input.files.length) return;
    e.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    bar.hidden = false;
    bar.value = 0;
    status.textContent = "Đang tải lên…";
    xhr.upload.onprogress = function (p) {
      if (p.lengthComputable) {
        bar.max = p.total;
        bar.value = p.loaded;
        if (p.loaded === p.total) status.textContent = "Đang kiểm tra…";
      }
    };
    xhr.onload = function () {
      if (xhr.status < 400) {
        window.location = xhr.responseURL;
      } else {
        document.open();
        document.write(xhr.responseText);
        document.close();
      }
    };
    xhr.onerror = function () {
      bar.hidden = true;
      status.textContent = "Tải lên bị ngắt: hãy thử lại.";
    };
    xhr.send(new FormData(form));
  });
});
